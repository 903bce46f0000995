/**
 * Links into the web UI that the server puts in notifications and e-mails. One place, so they follow the
 * UI's routes (src/web/app/routes.tsx; app-links.test.ts checks each one against them).
 */
export const appLinks = {
  /** The composer on one post. */
  post: (publicUrl: string, workspaceId: string, postId: string) =>
    `${publicUrl}/w/${workspaceId}/calendar/posts/${postId}`,
  /** One connected account's page (status, reconnect, interactions, metrics). */
  account: (publicUrl: string, workspaceId: string, accountId: string) =>
    `${publicUrl}/w/${workspaceId}/connectors/${accountId}`,
};
