// What the matrix measured, cell by cell (library × case × model), and its rendering as the
// Markdown table docs/providers.md carries.

export type Cell = { kind: 'ok' } | { kind: 'refused'; field: string } | { kind: 'fails'; why: string };

export class MatrixTable {
  /** library → case → model → cell, each in the order first recorded. */
  private readonly cells = new Map<string, Map<string, Map<string, Cell>>>();
  private readonly models: string[];

  constructor(models: readonly string[]) {
    this.models = [...models];
  }

  record(library: string, kase: string, model: string, cell: Cell): void {
    let cases = this.cells.get(library);
    if (!cases) this.cells.set(library, (cases = new Map()));
    let byModel = cases.get(kase);
    if (!byModel) cases.set(kase, (byModel = new Map()));
    byModel.set(model, cell);
  }

  markdown(): string {
    const head = `| library | case | ${this.models.join(' | ')} |`;
    const rule = `|---|---|${this.models.map(() => '---').join('|')}|`;
    const rows: string[] = [];
    for (const [library, cases] of this.cells) {
      for (const [kase, byModel] of cases) rows.push(`| ${library} | ${kase} | ${this.models.map((m) => render(byModel.get(m))).join(' | ')} |`);
    }
    return [head, rule, ...rows].join('\n');
  }
}

function render(cell: Cell | undefined): string {
  if (!cell) return '–';
  if (cell.kind === 'ok') return 'ok';
  if (cell.kind === 'refused') return `refused: \`${cell.field}\``;
  return `fails: ${cell.why}`;
}

/**
 * The field a gateway 400 names, from its message: the gateway names an untranslatable field in
 * backticks or quotes.
 */
export function fieldNamed(message: string): string {
  const m = /[`'"]([A-Za-z_][\w.[\]]*)[`'"]/.exec(message) ?? /\b([a-z]+_[a-z_.]+)\b/.exec(message);
  return m?.[1] ?? message.slice(0, 60);
}
