// The contention check: under any concurrency no move is lost, so every card's version − 1 equals
// its number of history rows, and the server's moves add up to the 200s the clients saw.

/**
 * @param {{id: string, version: number, historyCount: number}[]} cards  read after the run
 * @returns {{serverMoves: number, violations: string[]}}  serverMoves = Σ(version − 1)
 */
export function checkInvariant(cards) {
  const violations = cards
    .filter((card) => card.version - 1 !== card.historyCount)
    .map((card) => `card ${card.id}: version ${card.version} but ${card.historyCount} history rows (expected ${card.version - 1})`);
  const serverMoves = cards.reduce((sum, card) => sum + card.version - 1, 0);
  return { serverMoves, violations };
}

/**
 * The total check, for a runner that can see its clients' counters (k6's teardown cannot).
 * @param {number} clientMovesOk  200 answers to moves the clients saw
 * @param {number} serverMoves    Σ(version − 1) from checkInvariant
 * @returns {string | null}  the violation, or null
 */
export function checkMoveTotals(clientMovesOk, serverMoves) {
  return clientMovesOk === serverMoves
    ? null
    : `clients saw ${clientMovesOk} moves answered 200 but the cards record ${serverMoves} (Σ version − 1)`;
}
