// Where the reviewer was in the worklist: its filters (the route's query) and the keyset
// cursors of the pages seen, so that coming back from an application (after a decision, or
// with 返回列表) shows the same list at the same page.
export const worklistState = {
  query: {}, // the last /worklist query (filters, tab, sort, size)
  key: '', // the filters the cursors belong to
  cursors: [null], // cursors[i] = `after` of page i (null: the first page)
  page: 0,
}

// the route back to the worklist as it was left
export function worklistLocation() {
  return { path: '/worklist', query: { ...worklistState.query } }
}
