/**
 * The README's chart: wall and CPU time per client of the whole-process listing, as an SVG written by hand (a few
 * rectangles and labels: no charting dependency for that).
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

export interface Bar {
  readonly label: string
  readonly wallMs: number
  readonly cpuMs: number
  readonly rssMb: number
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

export const svg = (title: string, note: string, bars: ReadonlyArray<Bar>): string => {
  const width = 720
  const left = 290
  const right = 90
  const rowHeight = 56
  const top = 48
  const height = top + bars.length * rowHeight + 36
  const max = Math.max(...bars.flatMap((bar) => [bar.wallMs, bar.cpuMs]))
  const scale = (ms: number) => (ms / max) * (width - left - right)
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight
    return [
      `<text x="${left - 10}" y="${y + 16}" text-anchor="end" font-weight="bold">${escape(bar.label)}</text>`,
      `<text x="${left - 10}" y="${y + 34}" text-anchor="end" fill="#555">peak RSS ${bar.rssMb.toFixed(0)} MB</text>`,
      `<rect x="${left}" y="${y + 4}" width="${scale(bar.wallMs).toFixed(1)}" height="18" fill="#2b6cb0"/>`,
      `<text x="${(left + scale(bar.wallMs) + 6).toFixed(1)}" y="${y + 18}">wall ${seconds(bar.wallMs)}</text>`,
      `<rect x="${left}" y="${y + 24}" width="${scale(bar.cpuMs).toFixed(1)}" height="14" fill="#90cdf4"/>`,
      `<text x="${(left + scale(bar.cpuMs) + 6).toFixed(1)}" y="${y + 36}" fill="#555">CPU ${seconds(bar.cpuMs)}</text>`
    ].join("\n  ")
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="13">`,
    `  <rect width="${width}" height="${height}" fill="#fff"/>`,
    `  <text x="16" y="26" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `  ${rows.join("\n  ")}`,
    `  <text x="16" y="${height - 12}" fill="#555">wall: dark, CPU (user + system): light; ${escape(note)}</text>`,
    `</svg>`,
    ""
  ].join("\n")
}

export const write = (file: string, title: string, note: string, bars: ReadonlyArray<Bar>): void => {
  Fs.mkdirSync(Path.dirname(file), { recursive: true })
  Fs.writeFileSync(file, svg(title, note, bars))
}
