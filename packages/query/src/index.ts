import { createToken, Lexer } from 'chevrotain';
const W = createToken({ name: 'W', pattern: /\w+/ });
export const lexer = new Lexer([W]);
