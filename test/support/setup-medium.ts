// Booting the app, hashing passwords with argon2 and copying databases takes seconds on a 2-core machine, and past
// a minute for a hook that boots an api and two teams when the machine runs other work (load 18 in a full run).
jest.setTimeout(120_000);
