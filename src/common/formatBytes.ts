/** A byte count for people: "512 B", "1.5 KiB", "8.0 MiB", "−2.0 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const sign = bytes < 0 ? '−' : '';
  return `${sign}${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
