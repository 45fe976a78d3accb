/**
 * Makes text from the network safe to print on the operator's terminal: whole ECMA-48 escape
 * sequences go first (so `ESC[31m` leaves nothing behind, and an OSC title or clipboard write
 * leaves not even its payload), then every remaining control character: C0 except tab and line
 * feed, DEL and C1. What is left cannot move the cursor, rewrite earlier lines, set the window
 * title, write the clipboard or send the terminal's answer-back into the shell.
 */

/**
 * ESC followed by one of: CSI (`[` parameters, intermediates, final byte); a string command (OSC
 * `]`, DCS `P`, SOS `X`, PM `^`, APC `_`) up to its terminator (BEL or ST) or the end of the text;
 * or intermediates and a final byte (`ESC 7`, `ESC ( B`). The C1 forms (U+009B CSI, U+009D OSC …)
 * likewise. A lone trailing ESC matches too.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is this file's purpose
  /\u001b(?:\[[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|[\u0020-\u002f]*[\u0030-\u007e]?)|\u009b[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|[\u0090\u0098\u009d\u009e\u009f][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g;

/** C0 controls except TAB (U+0009) and LF (U+000A), DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` without escape sequences and control characters, keeping `\n` and `\t`. */
export function stripTerminalControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_CHARACTER, '');
}
