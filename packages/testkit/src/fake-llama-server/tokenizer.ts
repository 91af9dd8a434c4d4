/**
 * The fake tokenizer: a word (with its leading whitespace) or a single punctuation mark is one token, like a
 * BPE piece. Joining the pieces gives back the exact text, so streaming one piece per chunk reproduces the
 * reply and token counts are the same for the same text everywhere.
 */

const PIECE = /\s*[\p{L}\p{N}_]+|\s*[^\s\p{L}\p{N}_]|\s+/gu;

export function splitPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

export function countTokens(text: string): number {
  return splitPieces(text).length;
}

/**
 * Token ids for /tokenize and /detokenize. Ids are handed out on first sight, so they are stable within
 * one process (which is all llama-server promises across model builds, too) and decoding is exact.
 */
export class Vocabulary {
  // Below this, ids look like llama.cpp's control tokens; keep fake pieces clear of them.
  private static readonly FIRST_ID = 256;
  private readonly idByPiece = new Map<string, number>();
  private readonly pieceById: string[] = [];

  encode(text: string): { id: number; piece: string }[] {
    return splitPieces(text).map((piece) => ({ id: this.idOf(piece), piece }));
  }

  /** Unknown ids decode to nothing, as llama.cpp does for ids without a printable piece. */
  decode(ids: number[]): string {
    return ids.map((id) => this.pieceById[id - Vocabulary.FIRST_ID] ?? '').join('');
  }

  private idOf(piece: string): number {
    let id = this.idByPiece.get(piece);
    if (id === undefined) {
      id = Vocabulary.FIRST_ID + this.pieceById.length;
      this.pieceById.push(piece);
      this.idByPiece.set(piece, id);
    }
    return id;
  }
}
