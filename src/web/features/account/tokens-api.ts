import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";

const tokensKey = ["auth", "tokens"] as const;

export function useTokens() {
  return useQuery({ queryKey: tokensKey, queryFn: () => unwrap(api.GET("/api/auth/tokens")) });
}

export function useTokenActions() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: tokensKey });
  return {
    async create(name: string) {
      const created = await unwrap(api.POST("/api/auth/tokens", { body: { name } }));
      await refresh();
      return created;
    },
    async revoke(tokenId: string) {
      await unwrap(api.DELETE("/api/auth/tokens/{tokenId}", { params: { path: { tokenId } } }));
      await refresh();
    },
  };
}
