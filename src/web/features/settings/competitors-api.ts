import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { paths } from "../../api/schema";

export type CompetitorBody = NonNullable<
  paths["/api/workspaces/{workspaceId}/competitors"]["post"]["requestBody"]
>["content"]["application/json"];

export const competitorsKey = (workspaceId: string) => ["workspaces", workspaceId, "competitors"] as const;

export function useCompetitors(workspaceId: string) {
  return useQuery({
    queryKey: competitorsKey(workspaceId),
    queryFn: () => unwrap(api.GET("/api/workspaces/{workspaceId}/competitors", { params: { path: { workspaceId } } })),
  });
}

/** Create, update and delete, each refreshing the list. */
export function useCompetitorActions(workspaceId: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: competitorsKey(workspaceId) });
  return {
    async save(id: string | null, body: CompetitorBody) {
      const result = id
        ? await unwrap(
            api.PATCH("/api/workspaces/{workspaceId}/competitors/{competitorId}", {
              params: { path: { workspaceId, competitorId: id } },
              body,
            }),
          )
        : await unwrap(
            api.POST("/api/workspaces/{workspaceId}/competitors", { params: { path: { workspaceId } }, body }),
          );
      await refresh();
      return result;
    },
    async remove(id: string) {
      await unwrap(
        api.DELETE("/api/workspaces/{workspaceId}/competitors/{competitorId}", {
          params: { path: { workspaceId, competitorId: id } },
        }),
      );
      await refresh();
    },
  };
}
