// A small TextMate grammar for PromQL (Shiki ships none): functions, aggregations, label
// matchers, durations, strings, numbers and comments — enough to read the course's queries.
export const promqlGrammar = {
  name: 'promql',
  scopeName: 'source.promql',
  patterns: [
    { include: '#comment' },
    { include: '#string' },
    { include: '#duration' },
    { include: '#keyword' },
    { include: '#function' },
    { include: '#number' },
    { include: '#operator' },
    { include: '#label' },
  ],
  repository: {
    comment: { match: '#.*$', name: 'comment.line.number-sign.promql' },
    string: { match: '"(?:[^"\\\\]|\\\\.)*"|\'(?:[^\'\\\\]|\\\\.)*\'|`[^`]*`', name: 'string.quoted.promql' },
    duration: { match: '\\[[0-9]+[smhdwy](?::[0-9]*[smhdwy]?)?\\]', name: 'constant.numeric.duration.promql' },
    keyword: {
      match: '\\b(by|without|on|ignoring|group_left|group_right|offset|bool|and|or|unless)\\b',
      name: 'keyword.control.promql',
    },
    function: {
      match:
        '\\b(sum|min|max|avg|count|stddev|stdvar|topk|bottomk|quantile|count_values|group|rate|irate|increase|delta|idelta|deriv|histogram_quantile|absent|absent_over_time|avg_over_time|max_over_time|min_over_time|sum_over_time|count_over_time|clamp_max|clamp_min|label_replace|label_join|time|vector|scalar|abs|ceil|floor|round|predict_linear|changes|resets)\\b(?=\\s*\\()',
      name: 'support.function.promql',
    },
    number: { match: '\\b[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?\\b', name: 'constant.numeric.promql' },
    operator: { match: '=~|!~|!=|==|>=|<=|[-+*/%^<>=]', name: 'keyword.operator.promql' },
    label: { match: '\\b[a-zA-Z_][a-zA-Z0-9_]*(?=\\s*(=~|!~|!=|=))', name: 'entity.other.attribute-name.promql' },
  },
}
