using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Vbc.Plugins;

/// <summary>
/// The allow-list, checked on the compiled script's semantic model before anything in it runs. Every name the script
/// uses (types, members, the type of every expression, type arguments) must be the script's own or on the list:
/// decimal and the other plain value types, strings, Math, collections, LINQ, and the vbc author API. double and
/// float are refused wherever a value of theirs appears (money stays decimal). Some syntax is refused outright: unsafe
/// code, pointers, extern, attributes, goto, lock, catch-all clauses, records, static state, fields of the clause that
/// could keep state between settlements. Each refusal names the member and says why.
/// </summary>
internal static class Sandbox
{
    /// <summary>Part of a compiled plug-in's cache key: raise it whenever the list below changes.</summary>
    public const string Version = "2";

    private static readonly string[] AllowedNamespaces =
    {
        "System.Collections.Generic",
        "Vbc.Clauses.Authoring",
    };

    private static readonly HashSet<string> AllowedTypes = new(StringComparer.Ordinal)
    {
        "System.Object", "System.String", "System.Decimal", "System.Int32", "System.Int64", "System.Int16", "System.Byte",
        "System.UInt32", "System.UInt64", "System.Boolean", "System.Char", "System.Void", "System.Math", "System.Nullable`1",
        "System.Array", "System.Action", "System.Predicate`1", "System.Comparison`1", "System.StringComparison",
        "System.StringComparer", "System.MidpointRounding", "System.IComparable`1", "System.IEquatable`1", "System.IDisposable",
        "System.Index", "System.Range", "System.StringSplitOptions", "System.DateOnly", "System.DayOfWeek",
        "System.Exception", "System.ArgumentException", "System.ArgumentOutOfRangeException", "System.InvalidOperationException",
        "System.DivideByZeroException", "System.OverflowException", "System.FormatException", "System.ArithmeticException",
        "System.Collections.IEnumerable", "System.Collections.IEnumerator",
        "System.Linq.Enumerable", "System.Linq.IGrouping`2", "System.Linq.ILookup`2", "System.Linq.IOrderedEnumerable`1",
        "System.Text.StringBuilder",
        "Vbc.Clauses.Party", // which side a higher setting favours (the author API's 'favours:'), for vbc diff
    };

    private static readonly string[] AllowedGenericFamilies = { "System.Func`", "System.Action`", "System.ValueTuple`", "System.Tuple`", "System.ValueTuple" };

    /// <summary>Exceptions a plug-in may catch: none of them is what the budget throws, so a plug-in cannot swallow its limits.</summary>
    private static readonly HashSet<string> Catchable = new(StringComparer.Ordinal)
    {
        "System.ArgumentException", "System.ArgumentOutOfRangeException", "System.InvalidOperationException", "System.DivideByZeroException",
        "System.OverflowException", "System.FormatException", "System.Collections.Generic.KeyNotFoundException",
    };

    private static readonly HashSet<string> DeniedMembers = new(StringComparer.Ordinal)
    {
        "System.Object.GetType", "System.Object.MemberwiseClone", "BeginInvoke", "EndInvoke",
        "System.DateOnly.FromDateTime", "System.DateOnly.ToDateTime",
    };

    public static IReadOnlyList<(Location At, string What, string Why)> Check(CSharpCompilation compilation, SyntaxTree tree)
    {
        var model = compilation.GetSemanticModel(tree);
        var problems = new List<(Location, string, string)>();
        var seen = new HashSet<(int, string)>();
        var own = compilation.Assembly;
        var pluginBase = compilation.GetTypeByMetadataName("Vbc.Clauses.Authoring.PluginClause");

        void Refuse(SyntaxNode node, string what, string why)
        {
            var at = node.GetLocation();
            if (seen.Add((at.GetLineSpan().StartLinePosition.Line, what)))
            {
                problems.Add((at, what, why));
            }
        }

        // One refusal per offending expression: once 'System.IO.File.ReadAllText(...)' is refused, 'System.IO.File'
        // inside it is not reported again.
        Microsoft.CodeAnalysis.Text.TextSpan? refusedSpan = null;
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            if (refusedSpan is { } inside && inside.Contains(node.Span))
            {
                continue;
            }
            if (RefusedSyntax(node, model, pluginBase) is { } refused)
            {
                Refuse(node, refused.What, refused.Why);
                refusedSpan = node is ExpressionSyntax ? node.Span : null;
                continue;
            }
            if (node is not ExpressionSyntax expression)
            {
                continue;
            }
            var info = model.GetSymbolInfo(expression);
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
            if (symbol is not null && SymbolProblem(symbol, own) is { } symbolProblem)
            {
                Refuse(node, symbolProblem.What, symbolProblem.Why);
                refusedSpan = node.Span;
                continue;
            }
            var types = model.GetTypeInfo(expression);
            foreach (var type in new[] { types.Type, types.ConvertedType })
            {
                if (type is not null && TypeProblem(type, own) is { } typeProblem)
                {
                    Refuse(node, typeProblem.What, typeProblem.Why);
                    refusedSpan = node.Span;
                    break;
                }
            }
        }
        return problems;
    }

    private static (string What, string Why)? RefusedSyntax(SyntaxNode node, SemanticModel model, INamedTypeSymbol? pluginBase)
    {
        switch (node)
        {
            case UnsafeStatementSyntax:
                return ("'unsafe'", "unsafe code can read and write any memory");
            case PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax or StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                return ("a pointer or 'stackalloc'", "pointers can read and write any memory");
            case PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.AddressOfExpression) || p.IsKind(SyntaxKind.PointerIndirectionExpression):
                return ("a pointer", "pointers can read and write any memory");
            case MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                return ("'unsafe'", "unsafe code can read and write any memory");
            case MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.ExternKeyword):
                return ("'extern' (P/Invoke)", "native code runs outside every check");
            case LocalFunctionStatementSyntax l when l.Modifiers.Any(SyntaxKind.ExternKeyword) || l.Modifiers.Any(SyntaxKind.UnsafeKeyword):
                return ("'extern' or 'unsafe'", "native code runs outside every check");
            case ExternAliasDirectiveSyntax:
                return ("'extern alias'", "plug-ins compile against the allowed assemblies only");
            case AttributeListSyntax:
                return ("an attribute", "attributes such as [DllImport] change how code runs");
            case GotoStatementSyntax:
                return ("'goto'", "loops are written with for, foreach, while or do, so that the budget can count their turns");
            case LockStatementSyntax:
                return ("'lock'", "plug-ins run on one thread and may not start or wait for others");
            case MemberDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword):
                return ("'async'", "plug-ins may not start threads or tasks");
            case AnonymousFunctionExpressionSyntax f when f.Modifiers.Any(SyntaxKind.AsyncKeyword):
                return ("'async'", "plug-ins may not start threads or tasks");
            case RecordDeclarationSyntax:
                return ("a record", "a record's generated members (equality, ToString) run without the budget's checks; use a class");
            case DestructorDeclarationSyntax:
                return ("a finalizer", "finalizers run on the garbage collector's thread, outside every check");
            case EventFieldDeclarationSyntax:
                return ("an event", "an event keeps delegates between calls");
            case ExpressionSyntax arglist when arglist.IsKind(SyntaxKind.ArgListExpression):
                return ("'__arglist'", "it reaches memory without type checks");
            case MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                return ("'__arglist' or '__makeref'", "these reach memory without type checks");
            case GlobalStatementSyntax:
                return ("a statement at the top of the script", "a plug-in only declares its clause class; vbc runs its methods when it settles");
            case CatchClauseSyntax c:
                var caught = c.Declaration is null ? null : model.GetTypeInfo(c.Declaration.Type).Type;
                string name = caught is null ? "" : Name(caught.OriginalDefinition);
                return Catchable.Contains(name)
                    ? null
                    : ($"'catch{(caught is null ? "" : $" ({caught.ToDisplayString()})")}'", "a plug-in may catch only " + string.Join(", ", Catchable.Order(StringComparer.Ordinal)) + ", so that it cannot swallow its limits");
            case FieldDeclarationSyntax f when f.Modifiers.Any(SyntaxKind.ConstKeyword):
                return null;
            case FieldDeclarationSyntax f when f.Modifiers.Any(SyntaxKind.StaticKeyword):
                return ($"the static field '{string.Join(", ", f.Declaration.Variables.Select(v => v.Identifier.Text))}'", "static state would be shared between settlements; use a constant, or compute it in Settle");
            case PropertyDeclarationSyntax p when p.Modifiers.Any(SyntaxKind.StaticKeyword) && IsAuto(p):
                return ($"the static property '{p.Identifier.Text}'", "static state would be shared between settlements; compute it in Settle");
            case FieldDeclarationSyntax f when IsClause(f, model, pluginBase) && !f.Modifiers.Any(SyntaxKind.ReadOnlyKeyword):
                return ($"the field '{string.Join(", ", f.Declaration.Variables.Select(v => v.Identifier.Text))}' that is not readonly", "a clause is settled many times by one instance, and must keep no state between settlements");
            case FieldDeclarationSyntax f when IsClause(f, model, pluginBase) && model.GetTypeInfo(f.Declaration.Type).Type is { } fieldType && !Immutable(fieldType):
                return ($"the field '{string.Join(", ", f.Declaration.Variables.Select(v => v.Identifier.Text))}' of type {fieldType.ToDisplayString()}", "a clause's fields hold its declarations or plain values (decimal, int, bool, string): a collection there would keep state between settlements");
            case PropertyDeclarationSyntax p when IsClause(p, model, pluginBase) && IsAuto(p) && p.AccessorList!.Accessors.Any(a => !a.IsKind(SyntaxKind.GetAccessorDeclaration)):
                return ($"the property '{p.Identifier.Text}' with a setter", "a clause is settled many times by one instance, and must keep no state between settlements");
            default:
                return null;
        }
    }

    private static bool Immutable(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Decimal or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Boolean
            or SpecialType.System_String or SpecialType.System_Char
        || type.ContainingNamespace?.ToDisplayString() == "Vbc.Clauses.Authoring";

    private static bool IsAuto(PropertyDeclarationSyntax p) =>
        p.AccessorList is { } list && list.Accessors.All(a => a.Body is null && a.ExpressionBody is null);

    private static bool IsClause(MemberDeclarationSyntax member, SemanticModel model, INamedTypeSymbol? pluginBase)
    {
        if (pluginBase is null || member.Parent is not TypeDeclarationSyntax type || model.GetDeclaredSymbol(type) is not { } symbol)
        {
            return false;
        }
        for (var t = symbol.BaseType; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, pluginBase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsOwn(ISymbol symbol, IAssemblySymbol own) => SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, own);

    private static (string What, string Why)? SymbolProblem(ISymbol symbol, IAssemblySymbol own)
    {
        switch (symbol)
        {
            case INamespaceSymbol or IDiscardSymbol or ILabelSymbol or IPreprocessingSymbol:
                return null;
            case IAliasSymbol alias:
                return SymbolProblem(alias.Target, own);
            case ITypeSymbol type:
                return TypeProblem(type, own);
            case ILocalSymbol local:
                return TypeProblem(local.Type, own);
            case IParameterSymbol parameter:
                return TypeProblem(parameter.Type, own);
            case IRangeVariableSymbol:
                return null;
            case IMethodSymbol method:
                if (IsOwn(method, own))
                {
                    return method.IsExtern ? (method.ToDisplayString(), "native code runs outside every check") : TypeArguments(method.TypeArguments, own);
                }
                var definition = method.ReducedFrom ?? method;
                return MemberProblem(definition, own) ?? TypeArguments(method.TypeArguments, own);
            case IPropertySymbol or IFieldSymbol or IEventSymbol:
                return IsOwn(symbol, own) ? null : MemberProblem(symbol, own);
            default:
                return (symbol.ToDisplayString(), "it is not on the allow-list");
        }
    }

    private static (string What, string Why)? TypeArguments(IEnumerable<ITypeSymbol> arguments, IAssemblySymbol own)
    {
        foreach (var argument in arguments)
        {
            if (TypeProblem(argument, own) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static (string What, string Why)? MemberProblem(ISymbol member, IAssemblySymbol own)
    {
        var containing = member.ContainingType;
        if (containing is null)
        {
            return (member.ToDisplayString(), "it is not on the allow-list");
        }
        if (DeniedMembers.Contains(member.Name) || DeniedMembers.Contains(Name(containing.OriginalDefinition) + "." + member.Name))
        {
            return (member.ToDisplayString(), Why(Name(containing.OriginalDefinition), member.Name));
        }
        if (TypeProblem(containing, own) is not null)
        {
            return (member.ToDisplayString(), Why(Name(containing.OriginalDefinition), member.Name));
        }
        return null;
    }

    public static (string What, string Why)? TypeProblem(ITypeSymbol type, IAssemblySymbol own)
    {
        switch (type)
        {
            case IErrorTypeSymbol or ITypeParameterSymbol:
                return null;
            case IArrayTypeSymbol array:
                return TypeProblem(array.ElementType, own);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return (type.ToDisplayString(), "pointers can read and write any memory");
        }
        if (type.TypeKind == TypeKind.Dynamic)
        {
            return ("'dynamic'", "a dynamic call is bound at run time, out of reach of the allow-list");
        }
        if (type.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
        {
            return ($"'{type.ToDisplayString()}'", "money stays decimal: binary floating point cannot hold cents exactly (write 1.5m, use decimal)");
        }
        if (type is not INamedTypeSymbol named)
        {
            return (type.ToDisplayString(), "it is not on the allow-list");
        }
        if (!SymbolEqualityComparer.Default.Equals(named.ContainingAssembly, own))
        {
            var name = Name(named.OriginalDefinition);
            if (!Allowed(named.OriginalDefinition, name))
            {
                return (type.ToDisplayString(), Why(name, null));
            }
        }
        return TypeArguments(named.TypeArguments, own);
    }

    private static bool Allowed(INamedTypeSymbol definition, string name)
    {
        if (AllowedTypes.Contains(name) || AllowedGenericFamilies.Any(f => name.StartsWith(f, StringComparison.Ordinal)))
        {
            return true;
        }
        if (definition.ContainingType is { } outer)
        {
            return Allowed(outer.OriginalDefinition, Name(outer.OriginalDefinition));
        }
        var ns = definition.ContainingNamespace?.ToDisplayString() ?? "";
        return AllowedNamespaces.Contains(ns, StringComparer.Ordinal);
    }

    /// <summary>"System.Collections.Generic.List`1": the metadata name with its namespace.</summary>
    private static string Name(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        var outer = type.ContainingType is { } o ? Name(o) + "+" : ns;
        return type.ContainingType is null ? ns + type.MetadataName : outer + type.MetadataName;
    }

    private static string Why(string typeName, string? member)
    {
        bool In(string prefix) => typeName.StartsWith(prefix, StringComparison.Ordinal);
        if (In("System.IO.")) return "plug-ins may not read or write files";
        if (In("System.Net.")) return "plug-ins may not use the network";
        if (In("System.Diagnostics.Process")) return "plug-ins may not start processes";
        if (typeName == "System.Environment") return "plug-ins may not read the environment";
        if (In("System.Reflection.") || typeName is "System.Type" or "System.Activator" or "System.AppDomain" || In("System.Runtime.Loader.") || member == "GetType")
            return "reflection would reach past the allow-list, into vbc itself";
        if (In("System.Threading.")) return "plug-ins may not start threads or tasks";
        if (In("System.Runtime.InteropServices.") || In("System.Runtime.CompilerServices.Unsafe")) return "native code and raw memory are out of reach of every check";
        if (typeName == "System.GC") return "plug-ins may not drive the garbage collector";
        if (typeName == "System.Console") return "plug-ins write to the statement, not the console";
        if (In("System.Delegate") || In("System.MulticastDelegate")) return "a delegate's method and target are reflection";
        if (typeName is "System.DateTime" or "System.DateTimeOffset" or "System.Random" or "System.TimeProvider") return "a settlement must give the same result every time it is run";
        return "it is not on the allow-list";
    }
}
