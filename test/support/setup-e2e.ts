// Whole apps, agents, simulators and a browser.
jest.setTimeout(180_000);
