// Booting the app, hashing passwords with argon2 and copying databases takes seconds on a 2-core machine.
jest.setTimeout(60_000);
