/** One CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break; empty for no value. */
export const csvField = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
