import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { RequestBody, ResponseBody } from "../../api/types";

/**
 * The approval link's calls (no account: the signed token is the only credential), typed from the
 * OpenAPI document (`npm run gen:api` → src/web/api/schema.d.ts) as `publishing-api.ts` is.
 */

/** What approving or requesting changes answers: the decision, which uses the link up. */
export type Decision = ResponseBody<"/api/approvals/{token}/approve", "post", 200>;

export const approvalKey = (token: string) => ["approval", token] as const;

const onLink = (token: string) => ({ params: { path: { token } } });

export function useApproval(token: string) {
  return useQuery({
    queryKey: approvalKey(token),
    queryFn: () => unwrap(api.GET("/api/approvals/{token}", onLink(token))),
    retry: false,
  });
}

export const approvalActions = {
  approve: (token: string, body: RequestBody<"/api/approvals/{token}/approve", "post">) =>
    unwrap(api.POST("/api/approvals/{token}/approve", { ...onLink(token), body })),
  requestChanges: (token: string, body: RequestBody<"/api/approvals/{token}/request-changes", "post">) =>
    unwrap(api.POST("/api/approvals/{token}/request-changes", { ...onLink(token), body })),
  comment: (token: string, body: RequestBody<"/api/approvals/{token}/comments", "post">) =>
    unwrap(api.POST("/api/approvals/{token}/comments", { ...onLink(token), body })),
};
