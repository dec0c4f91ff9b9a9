/**
 * Figures of the reliability suite (runs, faults, items checked, lost, duplicated, leaks), printed at the end of
 * each file so a run reports what it proved.
 */
export const runs = (fallback: number): number => {
  const scale = Number(process.env["RELIABILITY_SCALE"] ?? "1")
  return Math.max(1, Math.round(fallback * (Number.isFinite(scale) && scale > 0 ? scale : 1)))
}

export const figures = () => {
  const counts: Record<string, number> = {}
  return {
    add: (name: string, n = 1) => {
      counts[name] = (counts[name] ?? 0) + n
    },
    print: (title: string) => {
      console.log(`${title}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`)
    },
    counts
  }
}
