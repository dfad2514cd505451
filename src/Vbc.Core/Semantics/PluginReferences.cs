using System.Globalization;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>One plug-in a contract names in its <c>plugins</c> block: its name, script path as written, and optional pin.</summary>
public sealed record PluginReference(string Name, string Script, string? Sha256, TextSpan NameSpan, TextSpan ScriptSpan, TextSpan? PinSpan);

/// <summary>
/// Reads the contract's top-level <c>plugins</c> block, before binding, so that the host can load the scripts and give
/// the binder a registry with their clause kinds. A script is named on one line, optionally pinned to the SHA-256 of
/// its source; the block form of a pin is accepted too (the formatter writes it on one line):
/// <code>
/// plugins {
///   quality_points: "plugins/quality-points.csx"
///   aggregate_stop_loss: "plugins/aggregate-stop-loss.csx" sha256 "3f5a..."
///   interim_payments {
///     script: "plugins/interim-payments.csx"
///     sha256: "a816..."
///   }
/// }
/// </code>
/// A pin anywhere else in the contract is an error here, the one place that reads pins.
/// </summary>
public static class PluginReferences
{
    public const string Keyword = "plugins";

    /// <summary>The one pin vbc knows: the word before the hash.</summary>
    public const string PinKind = "sha256";

    public static (IReadOnlyList<PluginReference> References, IReadOnlyList<Diagnostic> Diagnostics) Read(ParsedContract parsed)
    {
        var found = new List<PluginReference>();
        var diagnostics = new List<Diagnostic>();
        var source = parsed.Source;
        foreach (var block in parsed.Root.Blocks)
        {
            if (block.Header.Text != Keyword)
            {
                ReportPinsOutOfPlace(source, block, diagnostics);
                continue;
            }
            foreach (var item in block.Items)
            {
                var reference = item switch
                {
                    EntrySyntax e => Short(e),
                    BlockSyntax b => Long(b),
                    _ => null,
                };
                if (reference is null)
                {
                    if (!HasSyntaxError(item))
                    {
                        var span = item is BlockSyntax bs ? bs.Header.Span : item.Span;
                        diagnostics.Add(PluginDiagnostics.MalformedEntry(source, span, source.GetText(span)));
                    }
                    if (item is BlockSyntax nested)
                    {
                        ReportPinsOutOfPlace(source, nested, diagnostics);
                    }
                    continue;
                }
                if (found.FirstOrDefault(f => f.Name == reference.Name) is { } first)
                {
                    diagnostics.Add(PluginDiagnostics.NamedTwice(source, reference.NameSpan, reference.Name, source.GetPosition(first.NameSpan.Start).Line));
                    continue;
                }
                if (item is EntrySyntax { Pin: { } written } && written.Kind.Text != PinKind)
                {
                    diagnostics.Add(PluginDiagnostics.UnknownPinKind(source, written.Kind.Span, reference.Name, written.Kind.Text));
                    continue;
                }
                if (reference.Sha256 is { } pin && !IsSha256(pin))
                {
                    diagnostics.Add(PluginDiagnostics.MalformedPin(source, reference.PinSpan!.Value, reference.Name, pin));
                    continue;
                }
                found.Add(reference);
            }
        }
        return (found, diagnostics);
    }

    /// <summary>Every pin inside a block that is not a plug-in's entry: it would otherwise be read by no one.</summary>
    private static void ReportPinsOutOfPlace(SourceText source, BlockSyntax block, List<Diagnostic> diagnostics)
    {
        foreach (var item in block.Items)
        {
            switch (item)
            {
                case EntrySyntax { Pin: { } pin }:
                    diagnostics.Add(PluginDiagnostics.PinOutOfPlace(source, pin.Span, source.GetText(pin.Span)));
                    break;
                case BlockSyntax nested:
                    ReportPinsOutOfPlace(source, nested, diagnostics);
                    break;
            }
        }
    }

    private static bool HasSyntaxError(BlockItemSyntax item) =>
        item is EntrySyntax e && e.Values.Any(v => v is MissingExpressionSyntax);

    private static bool IsSha256(string text) =>
        text.Length == 64 && text.All(c => char.IsAsciiHexDigit(c));

    private static string? NameOf(WordsSyntax words) =>
        words.Words.Count == 1 && words.Words[0].Length > 0 && (char.IsLetter(words.Words[0][0]) || words.Words[0][0] == '_') ? words.Words[0] : null;

    /// <summary><c>name: "path.csx"</c>, or pinned, <c>name: "path.csx" sha256 "..."</c>.</summary>
    private static PluginReference? Short(EntrySyntax entry) =>
        NameOf(entry.Key) is { } name && entry.Values.Count == 1 && entry.Values[0] is StringLiteralSyntax path && path.Value.Length > 0
            ? new PluginReference(name, path.Value, entry.Pin?.Value.Value.ToLower(CultureInfo.InvariantCulture), entry.Key.Span, path.Span, entry.Pin?.Value.Span)
            : null;

    /// <summary><c>name { script: "path.csx"  sha256: "..." }</c>: the block form, accepted as written before the one-line pin.</summary>
    public static PluginReference? Long(BlockSyntax block)
    {
        if (NameOf(block.Header) is not { } name || block.Label is not null)
        {
            return null;
        }
        StringLiteralSyntax? script = null, pin = null;
        foreach (var item in block.Items)
        {
            if (item is not EntrySyntax { Values.Count: 1, Pin: null } e || e.Values[0] is not StringLiteralSyntax text)
            {
                return null;
            }
            switch (e.Key.Text)
            {
                case "script" when script is null:
                    script = text;
                    break;
                case PinKind when pin is null:
                    pin = text;
                    break;
                default:
                    return null;
            }
        }
        return script is null || script.Value.Length == 0
            ? null
            : new PluginReference(name, script.Value, pin?.Value.ToLower(CultureInfo.InvariantCulture), block.Header.Span, script.Span, pin?.Span);
    }
}
