using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// Carve-out lists: <c>carve out: transplant from inpatient, dialysis from outpatient</c>. Each item names a money
/// column and the column in scope it is part of, so that the checks (the category is in scope, the carve-out never
/// exceeds it) and a later semantic diff have the relation itself, not a guess. The grammar reads
/// <c>transplant from inpatient</c> as a phrase of plain words; the words are bound here as column names.
/// Whether each item has its category, and whether that category is in scope, is checked by the clause kinds.
/// </summary>
public sealed partial class Binder
{
    private BoundCarveOutSetting BindCarveOuts(ParameterSpec spec, EntrySyntax entry)
    {
        var items = new List<BoundCarveOut>();
        foreach (var value in entry.Values)
        {
            switch (value)
            {
                case NameSyntax name:
                    if (BindColumnItem(spec, name) is { } alone)
                    {
                        items.Add(new BoundCarveOut(alone, null, name.Span));
                    }
                    break;
                case PhraseSyntax phrase when phrase.Words.Words.Count == 3 && phrase.Words.Words[1].Equals("from", StringComparison.OrdinalIgnoreCase):
                    {
                        var words = WordSpans(phrase);
                        var part = BindColumnItem(spec, new NameSyntax(phrase.Words.Words[0], words[0]));
                        var category = BindColumnItem(spec, new NameSyntax(phrase.Words.Words[2], words[2]));
                        if (part is not null && category is not null)
                        {
                            items.Add(new BoundCarveOut(part, category, phrase.Span));
                        }
                        break;
                    }
                default:
                    _diagnostics.Add(BindingDiagnostics.WrongShape(Source, value.Span, spec.Key,
                        $"carve-outs separated by commas, each 'column from category', for example '{spec.Key}: {spec.Example}'"));
                    break;
            }
        }
        return new BoundCarveOutSetting(spec, entry, items.ToEquatableArray());
    }

    /// <summary>A money column named in a carve-out, bound; null (with a diagnostic) when it is not one.</summary>
    private BoundName? BindColumnItem(ParameterSpec spec, NameSyntax name)
    {
        if (!_scope.TryLookup(name.Name, out var symbol))
        {
            var columns = _columns.Select(c => c.Name).ToList();
            _diagnostics.Add(BindingDiagnostics.UnknownName(Source, name.Span, name.Name, Suggest.Nearest(name.Name, columns),
                columns.Count == 0
                    ? "No columns are declared: declare them in a 'data' block."
                    : $"Columns: {BindingDiagnostics.ListOf(columns.OrderBy(c => Suggest.Distance(c, name.Name)).ThenBy(c => c, StringComparer.Ordinal), 12)}."));
            return null;
        }
        if (symbol is not ColumnSymbol)
        {
            _diagnostics.Add(BindingDiagnostics.ColumnExpected(Source, name.Span, spec.Key, spec.Type.Description));
            return null;
        }
        return BindChecked(spec, name, $"Each item of '{spec.Key}'") as BoundName;
    }

    /// <summary>The span of each word of a phrase, found in the source text (the phrase keeps one span for all).</summary>
    private TextSpan[] WordSpans(PhraseSyntax phrase)
    {
        string text = Source.GetText(phrase.Span);
        var spans = new TextSpan[phrase.Words.Words.Count];
        int at = 0;
        for (int k = 0; k < spans.Length; k++)
        {
            string word = phrase.Words.Words[k];
            int found = text.IndexOf(word, at, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                found = at;
            }
            spans[k] = new TextSpan(phrase.Span.Start + found, word.Length);
            at = found + word.Length;
        }
        return spans;
    }
}
