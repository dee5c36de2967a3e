// Source code says "ignore", "override", "print the system prompt" in its comments and names for
// ordinary reasons. Code is recognised here, line by line, so that the intent cues and the model
// count for less in it; the phrase rules still read it, since injections are hidden in code too.

/** A line that opens or closes like code: comments, declarations, control flow, SQL, braces, semicolons. */
const CODE_LINE =
  /^[ \t]*(?:\/\/|\/\*|\*|#(?!#)|--|def |class |function |async |import |from \S+ import|export |return\b|if ?\(|for ?\(|while ?\(|const |let |var |public |private |fn |func |package |select |insert |update |create table|[{}\])])|[;{}:,]\s*$|\)\s*\{?\s*$/gim;
const LINE_BREAKS = /\n/g;
/** Signs that code holds far more often than prose. */
const CODE_SIGNS = /[;{}()=<>[\]]/g;

export function looksLikeCode(text: string): boolean {
  CODE_LINE.lastIndex = 0;
  let codeLines = 0;
  for (let m = CODE_LINE.exec(text); m !== null; m = CODE_LINE.exec(text)) {
    codeLines++;
    if (m[0].length === 0) CODE_LINE.lastIndex++;
  }
  LINE_BREAKS.lastIndex = 0;
  const lines = (text.match(LINE_BREAKS)?.length ?? 0) + 1;
  const signs = text.match(CODE_SIGNS)?.length ?? 0;
  return codeLines >= 1 && codeLines * 3 >= lines && signs * 40 >= text.length;
}
