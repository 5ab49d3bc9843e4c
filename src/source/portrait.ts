/** Placeholder portraits: the built-in source's pictures, so they render offline. */

/** A simple silhouette whose colour depends on the portrait number. */
export function portraitSvg(folder: 'men' | 'women', n: number): string {
  const hue = (n * 37 + (folder === 'men' ? 200 : 320)) % 360;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
    `<rect width="128" height="128" fill="hsl(${hue},45%,80%)"/>` +
    `<circle cx="64" cy="48" r="24" fill="hsl(${hue},30%,40%)"/>` +
    `<path d="M20 128c0-28 20-44 44-44s44 16 44 44z" fill="hsl(${hue},30%,40%)"/>` +
    `</svg>`
  );
}

/** The folder and number of a randomuser-style portrait URL (…/portraits[/med|/thumb]/women/12.jpg), if it is one. */
export function portraitOf(url: string): { folder: 'men' | 'women'; n: number } | undefined {
  const m = /\/portraits\/(?:med\/|thumb\/)?(men|women)\/(\d{1,2})\.jpg$/.exec(url);
  return m ? { folder: m[1] as 'men' | 'women', n: Number(m[2]) } : undefined;
}
