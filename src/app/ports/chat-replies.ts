/** A chat message: plain text (always set: notifications and screen readers use it) and optional Block Kit blocks. */
export interface ChatMessage {
  readonly text: string;
  readonly blocks?: readonly Readonly<Record<string, unknown>>[];
}

/** Replies to people in chat (Slack): a post into a channel or thread, or a reply through an interaction's `response_url`. */
export interface ChatReplies {
  /** Throws InfrastructureError when the chat service refuses or is unreachable. */
  post(channel: string, message: ChatMessage, options?: { readonly threadTs?: string }): Promise<void>;
  /** `ephemeral`: only the asker sees it; `replaceOriginal`: replaces the message that carried the buttons. */
  respond(
    responseUrl: string,
    message: ChatMessage,
    options?: { readonly ephemeral?: boolean; readonly replaceOriginal?: boolean },
  ): Promise<void>;
}
