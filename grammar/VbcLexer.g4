// Tokens of the vbc contract language. docs/language.md describes the language for contract managers.
//
// Keywords are case-insensitive (PMPM, pmpm and Pmpm are the same word). Newlines are tokens: an entry ends at the
// end of its line. The parser's token source drops a newline that cannot end an entry (inside parentheses, after an
// operator or a comma), so a long expression may continue on the next line. Comments go to the hidden channel:
// the formatter keeps them.
lexer grammar VbcLexer;

options { caseInsensitive = true; }

// ---- comments and layout ----------------------------------------------------------------------------------------
LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
// A block comment that runs to the end of the file without a closing */: an error token, reported as such.
// (It must not match a closed comment, or longest-match would prefer it to BLOCK_COMMENT.)
UNCLOSED_BLOCK_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;
NEWLINE       : '\r'? '\n' | '\r';
WS            : [ \t\f\u00A0\uFEFF]+ -> skip;

// ---- punctuation and operators ----------------------------------------------------------------------------------
LBRACE : '{';
RBRACE : '}';
LPAREN : '(';
RPAREN : ')';
COLON  : ':';
COMMA  : ',';
PLUS   : '+';
MINUS  : '-' | '\u2212';
STAR   : '*' | '\u00D7';
SLASH  : '/' | '\u00F7';
LE     : '<=' | '\u2264';
GE     : '>=' | '\u2265';
NE     : '!=' | '<>' | '\u2260';
LT     : '<';
GT     : '>';
EQ     : '=' | '==';

// ---- keywords ----------------------------------------------------------------------------------------------------
AND        : 'and';
OR         : 'or';
NOT        : 'not';
IF         : 'if';
THEN       : 'then';
ELSE       : 'else';
TRUE       : 'true' | 'yes';
FALSE      : 'false' | 'no';
OF         : 'of';
TO         : 'to';
BY         : 'by';
UP         : 'up';
BELOW      : 'below' | 'under';
ABOVE      : 'above' | 'over';
LESSER     : 'lesser';
GREATER    : 'greater';
PMPM       : 'pmpm';
PERCENTILE : 'percentile';
// '3.1% per year from 2023': a rate that compounds from a base year. One token, so that 'per' alone stays a name
// (and '$200,000 per member' keeps its own message).
PER_YEAR_FROM : 'per' [ \t]+ 'year' [ \t]+ 'from';

// ---- literals ----------------------------------------------------------------------------------------------------
// 2024-01-01
DATE    : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT;
// $1,250.00 (thousands separators are optional; a group after a comma has exactly three digits)
MONEY   : '$' DIGITS;
// 3.5%
PERCENT : DIGITS '%';
// 99th (as in "99th percentile")
ORDINAL : DIGITS ('st' | 'nd' | 'rd' | 'th');
NUMBER  : DIGITS;
STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'
        | '\u201C' ~[\u201D\r\n]* '\u201D'
        ;
UNCLOSED_STRING : ('"' (~["\\\r\n] | '\\' ~[\r\n])* | '\u201C' ~[\u201D\r\n]*);

IDENT   : [a-z_] [a-z0-9_]*;

// Anything else is one bad character; the parser turns it into a diagnostic instead of stopping.
BAD_CHARACTER : .;

fragment DIGIT  : [0-9];
fragment DIGITS : DIGIT+ (',' DIGIT DIGIT DIGIT)* ('.' DIGIT+)?;
