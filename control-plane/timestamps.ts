/** Control-plane timestamps: the model gives them `timestampFormat: date-time`, RFC-3339 strings on the wire. */
export const iso = (t: string) => new Date(t).toISOString();
export const now = () => new Date().toISOString();
