using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Vbc.Plugins;

/// <summary>
/// Injects the budget's checks into a script that passed the sandbox: <c>Budget.Enter()</c> first in every method,
/// constructor, accessor, operator, local function and lambda (expression bodies become blocks), <c>Budget.Loop()</c>
/// first in every loop body, and field and property initialisers wrapped in <c>Budget.Then</c>. No line breaks are
/// added or removed, so lines in run-time errors are the script's own.
/// </summary>
internal sealed class BudgetRewriter : CSharpSyntaxRewriter
{
    private static readonly StatementSyntax EnterStatement = ParseStatement("global::Vbc.Plugins.Runtime.Budget.Enter();");
    private static readonly StatementSyntax LoopStatement = ParseStatement("global::Vbc.Plugins.Runtime.Budget.Loop();");

    private readonly SemanticModel _model;

    private BudgetRewriter(SemanticModel model) => _model = model;

    public static SyntaxTree Rewrite(SyntaxTree tree, SemanticModel model) =>
        tree.WithRootAndOptions(new BudgetRewriter(model).Visit(tree.GetRoot()), tree.Options);

    private static BlockSyntax Prepend(BlockSyntax block, StatementSyntax check) => block.WithStatements(block.Statements.Insert(0, check));

    private static BlockSyntax FromExpression(ArrowExpressionClauseSyntax arrow, SyntaxToken semicolon, bool returnsVoid)
    {
        StatementSyntax body = returnsVoid ? ExpressionStatement(arrow.Expression) : ReturnStatement(arrow.Expression.WithLeadingTrivia(Space));
        return Block(
            Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(arrow.ArrowToken.LeadingTrivia).WithTrailingTrivia(arrow.ArrowToken.TrailingTrivia),
            List(new[] { EnterStatement, body }),
            Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(semicolon.TrailingTrivia));
    }

    private static bool IsVoid(TypeSyntax? type) => type is PredefinedTypeSyntax p && p.Keyword.IsKind(SyntaxKind.VoidKeyword);

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var n = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        if (n.Body is { } body)
        {
            return n.WithBody(Prepend(body, EnterStatement));
        }
        return n.ExpressionBody is { } arrow
            ? n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(FromExpression(arrow, n.SemicolonToken, IsVoid(n.ReturnType)))
            : n;
    }

    public override SyntaxNode? VisitConstructorDeclaration(ConstructorDeclarationSyntax node)
    {
        var n = (ConstructorDeclarationSyntax)base.VisitConstructorDeclaration(node)!;
        if (n.Body is { } body)
        {
            return n.WithBody(Prepend(body, EnterStatement));
        }
        return n.ExpressionBody is { } arrow ? n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(FromExpression(arrow, n.SemicolonToken, true)) : n;
    }

    public override SyntaxNode? VisitOperatorDeclaration(OperatorDeclarationSyntax node)
    {
        var n = (OperatorDeclarationSyntax)base.VisitOperatorDeclaration(node)!;
        if (n.Body is { } body)
        {
            return n.WithBody(Prepend(body, EnterStatement));
        }
        return n.ExpressionBody is { } arrow ? n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(FromExpression(arrow, n.SemicolonToken, IsVoid(n.ReturnType))) : n;
    }

    public override SyntaxNode? VisitConversionOperatorDeclaration(ConversionOperatorDeclarationSyntax node)
    {
        var n = (ConversionOperatorDeclarationSyntax)base.VisitConversionOperatorDeclaration(node)!;
        if (n.Body is { } body)
        {
            return n.WithBody(Prepend(body, EnterStatement));
        }
        return n.ExpressionBody is { } arrow ? n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(FromExpression(arrow, n.SemicolonToken, false)) : n;
    }

    public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
    {
        var n = (LocalFunctionStatementSyntax)base.VisitLocalFunctionStatement(node)!;
        if (n.Body is { } body)
        {
            return n.WithBody(Prepend(body, EnterStatement));
        }
        return n.ExpressionBody is { } arrow ? n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(FromExpression(arrow, n.SemicolonToken, IsVoid(n.ReturnType))) : n;
    }

    public override SyntaxNode? VisitAccessorDeclaration(AccessorDeclarationSyntax node)
    {
        var n = (AccessorDeclarationSyntax)base.VisitAccessorDeclaration(node)!;
        if (n.Body is { } body)
        {
            return n.WithBody(Prepend(body, EnterStatement));
        }
        bool returnsValue = n.IsKind(SyntaxKind.GetAccessorDeclaration);
        return n.ExpressionBody is { } arrow ? n.WithExpressionBody(null).WithSemicolonToken(default).WithBody(FromExpression(arrow, n.SemicolonToken, !returnsValue)) : n;
    }

    public override SyntaxNode? VisitPropertyDeclaration(PropertyDeclarationSyntax node)
    {
        var original = node;
        var n = (PropertyDeclarationSyntax)base.VisitPropertyDeclaration(node)!;
        if (n.ExpressionBody is { } arrow)
        {
            var getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, FromExpression(arrow, n.SemicolonToken, false));
            n = n.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(AccessorList(SingletonList(getter)));
        }
        if (n.Initializer is { } init)
        {
            n = n.WithInitializer(init.WithValue(Then(original.Type, init.Value)));
        }
        return n;
    }

    public override SyntaxNode? VisitIndexerDeclaration(IndexerDeclarationSyntax node)
    {
        var n = (IndexerDeclarationSyntax)base.VisitIndexerDeclaration(node)!;
        if (n.ExpressionBody is { } arrow)
        {
            var getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, FromExpression(arrow, n.SemicolonToken, false));
            return n.WithExpressionBody(null).WithSemicolonToken(default).WithAccessorList(AccessorList(SingletonList(getter)));
        }
        return n;
    }

    public override SyntaxNode? VisitFieldDeclaration(FieldDeclarationSyntax node)
    {
        if (node.Modifiers.Any(SyntaxKind.ConstKeyword))
        {
            return node;
        }
        var type = node.Declaration.Type;
        var n = (FieldDeclarationSyntax)base.VisitFieldDeclaration(node)!;
        var variables = n.Declaration.Variables.Select(v => v.Initializer is { } init ? v.WithInitializer(init.WithValue(Then(type, init.Value))) : v);
        return n.WithDeclaration(n.Declaration.WithVariables(SeparatedList(variables, n.Declaration.Variables.GetSeparators())));
    }

    // An initialiser runs before the constructor's body: 'new A()' in a field of A would recurse without passing a check.
    private static ExpressionSyntax Then(TypeSyntax type, ExpressionSyntax value)
    {
        if (value is InitializerExpressionSyntax list && type is ArrayTypeSyntax arrayType)
        {
            value = ArrayCreationExpression(arrayType.WithoutTrivia(), list);
        }
        return InvocationExpression(
            ParseExpression($"global::Vbc.Plugins.Runtime.Budget.Then<{type.WithoutTrivia()}>"),
            ArgumentList(SingletonSeparatedList(Argument(ParenthesizedLambdaExpression(value.WithoutLeadingTrivia())))))
            .WithLeadingTrivia(value.GetLeadingTrivia());
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) => Lambda(node, base.VisitParenthesizedLambdaExpression(node));

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) => Lambda(node, base.VisitSimpleLambdaExpression(node));

    public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) => Lambda(node, base.VisitAnonymousMethodExpression(node));

    private SyntaxNode? Lambda(AnonymousFunctionExpressionSyntax original, SyntaxNode? visited)
    {
        var n = (AnonymousFunctionExpressionSyntax)visited!;
        if (n.Block is { } block)
        {
            return n.WithBlock(Prepend(block, EnterStatement)).WithExpressionBody(null);
        }
        if (n.ExpressionBody is not { } expression)
        {
            return n;
        }
        bool returnsVoid = _model.GetSymbolInfo(original).Symbol is IMethodSymbol { ReturnsVoid: true };
        StatementSyntax body = returnsVoid ? ExpressionStatement(expression) : ReturnStatement(expression.WithLeadingTrivia(Space));
        return n.WithExpressionBody(null).WithBlock(Block(EnterStatement, body));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var n = (ForStatementSyntax)base.VisitForStatement(node)!;
        return n.WithStatement(LoopBody(n.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var n = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return n.WithStatement(LoopBody(n.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var n = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return n.WithStatement(LoopBody(n.Statement));
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var n = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return n.WithStatement(LoopBody(n.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var n = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return n.WithStatement(LoopBody(n.Statement));
    }

    private static BlockSyntax LoopBody(StatementSyntax body) =>
        body is BlockSyntax block ? Prepend(block, LoopStatement) : Block(LoopStatement, body).WithTriviaFrom(body);
}
