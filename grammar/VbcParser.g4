// Structure of a vbc contract. The grammar is deliberately generic: a contract is a list of blocks, a block is a
// list of entries ("key: value") and nested blocks. Which blocks and keys exist (shared savings, corridor, ...) is
// not decided here but by the clause kinds the binder knows (src/Vbc.Core/Clauses), so that new clause kinds,
// including ones written as C# scripts, need no change to the grammar.
//
// The parse tree is mapped once into our own syntax tree (src/Vbc.Core/Syntax); nothing else reads it.
parser grammar VbcParser;

options { tokenVocab = VbcLexer; }

contractFile
    : NEWLINE* (block (NEWLINE+ block)*)? NEWLINE* EOF
    ;

// shared savings { ... }     corridor "REACH Global" { ... }     measure diabetes_control { ... }
block
    : words label=STRING? LBRACE NEWLINE* (blockItem (NEWLINE+ blockItem)*)? NEWLINE* RBRACE
    ;

blockItem
    : entry
    | block
    ;

// minimum savings rate: 2%          categories: inpatient, outpatient, professional
// An entry may end with a pin, a word and a string: the plugins block's one-line form
// (aggregate_stop_loss: "plugins/aggregate-stop-loss.csx" sha256 "3f5a..."). Which word is a pin, and where a pin
// may stand, is decided after parsing (Semantics/PluginReferences.cs). The string is required here, so that
// "first dollar" stays a phrase.
entry
    : words COLON value (COMMA value)* pin?
    ;

pin
    : IDENT STRING
    ;

// Keys and block keywords are one or more words. Keywords may appear in them ("only if", "applies to").
words
    : word+
    ;

word
    : IDENT | AND | OR | NOT | IF | THEN | ELSE | OF | TO | BY | UP | BELOW | ABOVE | LESSER | GREATER | PMPM | PERCENTILE
    ;

// A value is an expression, a range, a table, or a phrase of plain words (an option such as "first dollar").
// 'pmpm' alone is the type word of a declaration (rate: pmpm); it is a keyword, so it is named here.
value
    : range
    | perYear
    | expression
    | table
    | phrase
    | PMPM
    ;

phrase
    : IDENT IDENT+
    ;

// A rate that compounds each year from a base year: 3.1% per year from 2023.
perYear
    : rate=expression PER_YEAR_FROM start=expression
    ;

range
    : low=expression TO high=expression                 # boundedRange
    | UP TO high=expression                             # upToRange
    | BELOW high=expression                             # belowRange
    | ABOVE low=expression                              # aboveRange
    | low=expression AND ABOVE                          # andAboveRange
    ;

// by assigned_beneficiaries {            { "LEJR": $24,500
//   5,000 to 5,999: 3.9% to 3.6%           "CABG": $41,200 }
// }
table
    : (BY by=expression)? LBRACE NEWLINE* (tableRow (NEWLINE+ tableRow)*)? NEWLINE* RBRACE
    ;

tableRow
    : key=rowValue COLON result=rowValue
    ;

rowValue
    : range
    | expression
    ;

// ---- expressions, lowest precedence first --------------------------------------------------------------------------

expression
    : IF cond=expression THEN whenTrue=expression ELSE whenFalse=expression     # ifExpression
    | orExpression                                                              # plainExpression
    ;

orExpression
    : andExpression (OR andExpression)*
    ;

andExpression
    : notExpression (AND notExpression)*
    ;

notExpression
    : NOT notExpression                                                         # negation
    | comparison                                                                # plainNot
    ;

comparison
    : additive (op=(LT | LE | GT | GE | EQ | NE) additive)?
    ;

additive
    : multiplicative (op+=(PLUS | MINUS) multiplicative)*
    ;

// "10% of benchmark" is a multiplication that reads like the contract.
multiplicative
    : unary (op+=(STAR | SLASH | OF) unary)*
    ;

unary
    : op=(MINUS | PLUS) unary                                                   # signed
    | primary                                                                   # plainUnary
    ;

primary
    : NUMBER PMPM?                                                              # numberLiteral
    | MONEY PMPM?                                                               # moneyLiteral
    | PERCENT                                                                   # percentLiteral
    | DATE                                                                      # dateLiteral
    | STRING                                                                    # stringLiteral
    | (TRUE | FALSE)                                                            # booleanLiteral
    | ORDINAL PERCENTILE                                                        # percentileLiteral
    | kind=(LESSER | GREATER) OF additive AND additive                          # lesserGreater
    | IDENT LPAREN (expression (COMMA expression)*)? RPAREN                     # call
    | IDENT                                                                     # name
    | LPAREN expression RPAREN                                                  # parenthesized
    ;
