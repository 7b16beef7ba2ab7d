/** Bokmål and nynorsk: each municipality has chosen one as its written standard (målform); every mail and letter exists in both. */
export type Language = 'nb' | 'nn';

export const LANGUAGES: readonly Language[] = ['nb', 'nn'];
