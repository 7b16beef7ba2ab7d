// autocannon ships no types (and @types/autocannon is not installed): the harness uses a small part of it untyped
declare module 'autocannon';
