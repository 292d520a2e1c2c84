// The package ships no types; we use only its full list, ordered by popularity (most common first).
declare module 'popular-english-words' {
  export const words: { getAll(): string[] };
}
