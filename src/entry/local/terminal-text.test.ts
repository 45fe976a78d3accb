import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripTerminalControls } from './terminal-text.ts';

const ESC = '\u001b';

describe('stripTerminalControls', () => {
  it('stripTerminalControls removes whole CSI sequences (colours, cursor moves, erase line)', () => {
    const text = `${ESC}[31mred${ESC}[0m ${ESC}[2K${ESC}[1Aover ${ESC}[?25lhidden`;

    expect(stripTerminalControls(text)).toBe('red over hidden');
  });

  it('stripTerminalControls removes OSC strings with their payload, terminated by BEL or ST, or unterminated', () => {
    expect(stripTerminalControls(`a${ESC}]0;pwned title\u0007b`)).toBe('ab');
    expect(stripTerminalControls(`a${ESC}]52;c;ZWNobyBoaQ==${ESC}\\b`)).toBe('ab');
    expect(stripTerminalControls(`a${ESC}]8;;http://x.example/${ESC}\\link${ESC}]8;;${ESC}\\b`)).toBe('alinkb');
    expect(stripTerminalControls(`a${ESC}]0;never ends`)).toBe('a');
  });

  it('stripTerminalControls removes DCS, two-character escapes, C1 CSI and a lone trailing ESC', () => {
    expect(stripTerminalControls(`a${ESC}P1$r${ESC}\\b`)).toBe('ab');
    expect(stripTerminalControls(`a${ESC}7b${ESC}8c${ESC}(Bd`)).toBe('abcd');
    expect(stripTerminalControls('a\u009b31mb\u009d0;t\u0007c')).toBe('abc');
    expect(stripTerminalControls(`end${ESC}`)).toBe('end');
  });

  it('stripTerminalControls keeps newlines, tabs and printable Unicode, and drops CR, BS, BEL, DEL and C1', () => {
    const text = 'line 1\n\tline 2 — 4×A100 ✓\r\u0008\u0007\u007f\u0085\u009f';

    expect(stripTerminalControls(text)).toBe('line 1\n\tline 2 — 4×A100 ✓');
  });

  it('stripTerminalControls leaves no control character but tab and newline in any text (property)', () => {
    // Strings mixing printable ASCII with every C0, DEL and C1 code point and ESC-heavy fragments.
    const control = fc
      .integer({ min: 0, max: 0x9f })
      .filter((code) => code < 0x20 || code >= 0x7f)
      .map((code) => String.fromCharCode(code));
    const piece = fc.oneof(
      fc.string({ maxLength: 4 }),
      control,
      fc.constantFrom(`${ESC}[`, `${ESC}]`, `${ESC}P`, ESC, '\u009b', '\u009d'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const stripped = stripTerminalControls(pieces.join(''));

        // eslint-disable-next-line no-control-regex -- the point of the test
        expect(stripped).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }),
    );
  });

  it('stripTerminalControls returns text without controls unchanged (property)', () => {
    const printable = fc.string({ unit: fc.constantFrom(...'abc xyz 0123 .,;:[]()é—✓\n\t'.split('')), maxLength: 60 });
    fc.assert(
      fc.property(printable, (text) => {
        expect(stripTerminalControls(text)).toBe(text);
      }),
    );
  });
});
