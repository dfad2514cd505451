using Vbc.Semantics;
using Vbc.Text;

namespace Vbc.Navigation;

/// <summary>One use of a declared name in the contract text: the symbol it resolved to and the span of the name.</summary>
public sealed record SymbolReference(Symbol Symbol, TextSpan Span);
