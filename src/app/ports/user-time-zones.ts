/** Where a chat user's clock stands against UTC: a time of day in their question ("before 17:00") is theirs. */
export interface UserTimeZones {
  /**
   * Minutes the user's clock is ahead of UTC now (e.g. 60 for CET in winter).
   * Throws InfrastructureError when the chat service refuses or is unreachable.
   */
  utcOffsetMinutes(userId: string): Promise<number>;
}
