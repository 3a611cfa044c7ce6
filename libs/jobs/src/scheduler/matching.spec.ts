import { matchCopies, meetsRequirements, normalizeModel, type QueuedJob, type ReadyPrinter } from './matching';

let sequence = 0;
function printer(overrides: Partial<ReadyPrinter> = {}): ReadyPrinter {
  sequence++;
  return {
    id: `p${String(sequence).padStart(4, '0')}`,
    orgId: 'org',
    fleetId: 'fleet-a',
    material: 'PLA',
    nozzleDiameter: 0.4,
    buildX: 250,
    buildY: 210,
    buildZ: 220,
    tags: [],
    spools: [],
    ...overrides,
  };
}
function job(overrides: Partial<QueuedJob> = {}): QueuedJob {
  sequence++;
  return {
    id: `j${String(sequence).padStart(4, '0')}`,
    queued: 1,
    material: null,
    fileMaterial: null,
    nozzleDiameter: null,
    minBuildX: null,
    minBuildY: null,
    minBuildZ: null,
    fleetIds: [],
    requiredTags: [],
    filamentGrams: null,
    fileColorHex: null,
    ...overrides,
  };
}
const budget = (entries: Record<string, number> = { 'fleet-a': 100, 'fleet-b': 100 }) =>
  new Map(Object.entries(entries));

describe('requirement matching', () => {
  it('a PLA job never goes to a PETG printer', () => {
    expect(meetsRequirements(job({ material: 'PLA' }), printer({ material: 'PETG' }))).toBe(false);
    expect(meetsRequirements(job({ material: 'pla' }), printer({ material: 'PLA ' }))).toBe(true);
  });

  it('a 300 mm part never goes to a 250 mm bed, nor to a printer of unknown size', () => {
    expect(meetsRequirements(job({ minBuildX: 300 }), printer({ buildX: 250 }))).toBe(false);
    expect(meetsRequirements(job({ minBuildX: 300 }), printer({ buildX: null }))).toBe(false);
    expect(meetsRequirements(job({ minBuildX: 300 }), printer({ buildX: 300 }))).toBe(true);
    expect(meetsRequirements(job({ minBuildZ: 221 }), printer())).toBe(false);
  });

  it('matches nozzles to a hundredth of a millimetre', () => {
    expect(meetsRequirements(job({ nozzleDiameter: 0.4 }), printer({ nozzleDiameter: 0.4000001 }))).toBe(true);
    expect(meetsRequirements(job({ nozzleDiameter: 0.6 }), printer({ nozzleDiameter: 0.4 }))).toBe(false);
    expect(meetsRequirements(job({ nozzleDiameter: 0.4 }), printer({ nozzleDiameter: null }))).toBe(false);
  });

  it('requires every tag and one of the fleets', () => {
    expect(meetsRequirements(job({ requiredTags: ['enclosed', 'hardened'] }), printer({ tags: ['enclosed'] }))).toBe(
      false,
    );
    expect(meetsRequirements(job({ requiredTags: ['enclosed'] }), printer({ tags: ['enclosed', 'x'] }))).toBe(true);
    expect(meetsRequirements(job({ fleetIds: ['fleet-b'] }), printer())).toBe(false);
  });

  it('lets a printer with no declared material take any material (chosen last)', () => {
    const known = printer({ material: 'PLA' });
    const unknown = printer({ material: null });
    expect(meetsRequirements(job({ material: 'PETG' }), unknown)).toBe(true);
    const [first] = matchCopies([job({ material: 'PLA' })], [unknown, known], budget());
    expect(first!.printerId).toBe(known.id);
  });
});

describe('matchCopies', () => {
  it('gives a pinned job its printer only, though a better idle printer waits, and other jobs the rest', () => {
    const small = printer({ buildX: 200, buildY: 200, buildZ: 200 });
    const large = printer();
    const pinned = job({ pinnedPrinterId: large.id });
    const free = job();
    const budget = new Map([['fleet-a', 10]]);
    expect(matchCopies([pinned, free], [small, large], budget)).toEqual([
      { jobId: pinned.id, printerId: large.id, fleetId: 'fleet-a' },
      { jobId: free.id, printerId: small.id, fleetId: 'fleet-a' },
    ]);
    expect(matchCopies([job({ pinnedPrinterId: 'elsewhere' })], [small, large], new Map([['fleet-a', 10]]))).toEqual(
      [],
    );
  });

  it('serves jobs in the order given (priority, then age) and never gives a printer two copies', () => {
    const printers = [printer(), printer()];
    const urgent = job({ queued: 1 });
    const older = job({ queued: 5 });
    const result = matchCopies([urgent, older], printers, budget());
    expect(result.map((assignment) => assignment.jobId)).toEqual([urgent.id, older.id]);
    expect(new Set(result.map((assignment) => assignment.printerId)).size).toBe(2);
  });

  it('prefers the printer whose loaded material matches the file, then the smallest bed that fits', () => {
    const petg = printer({ material: 'PETG' });
    const bigPla = printer({ buildX: 350, buildY: 350, buildZ: 350 });
    const smallPla = printer();
    const result = matchCopies([job({ fileMaterial: 'PLA', queued: 1 })], [petg, bigPla, smallPla], budget());
    expect(result[0]!.printerId).toBe(smallPla.id);
  });

  it('skips a job no printer can serve and keeps going', () => {
    const only = printer({ buildX: 200 });
    const big = job({ minBuildX: 300 });
    const small = job();
    expect(matchCopies([big, small], [only], budget())).toEqual([
      { jobId: small.id, printerId: only.id, fleetId: 'fleet-a' },
    ]);
  });

  it('staggers: at most the fleet budget of starts per pass, other fleets unaffected', () => {
    const printers = [
      ...Array.from({ length: 6 }, () => printer()),
      ...Array.from({ length: 3 }, () => printer({ fleetId: 'fleet-b' })),
    ];
    const result = matchCopies([job({ queued: 20 })], printers, budget({ 'fleet-a': 4, 'fleet-b': 2 }));
    expect(result.filter((assignment) => assignment.fleetId === 'fleet-a')).toHaveLength(4);
    expect(result.filter((assignment) => assignment.fleetId === 'fleet-b')).toHaveLength(2);
  });

  it('assigns 1,000 printers from 10,000 varied jobs', () => {
    const printers = Array.from({ length: 1000 }, (_, index) =>
      printer({ fleetId: `fleet-${index % 10}`, material: index % 2 ? 'PLA' : 'PETG' }),
    );
    const jobs = Array.from({ length: 10_000 }, (_, index) => job({ material: index % 3 ? 'PLA' : 'PETG' }));
    const budgets = new Map(Array.from({ length: 10 }, (_, index) => [`fleet-${index}`, 1000]));
    const result = matchCopies(jobs, printers, budgets);
    expect(result).toHaveLength(1000);
    const printerById = new Map(printers.map((candidate) => [candidate.id, candidate]));
    const jobById = new Map(jobs.map((candidate) => [candidate.id, candidate]));
    const mismatched = result.filter(
      (assignment) => printerById.get(assignment.printerId)!.material !== jobById.get(assignment.jobId)!.material,
    );
    expect(mismatched).toEqual([]);
  });
});

describe('print file formats and printer kinds', () => {
  const octoprint = () => printer({ uploadFormats: ['gcode'] });
  const prusa = () => printer({ uploadFormats: ['bgcode', 'gcode'], model: 'Original Prusa MK4S' });
  const bambu = () => printer({ uploadFormats: ['3mf'], model: 'P1S' });
  const silent = () => printer({ uploadFormats: null });

  it('sends a .bgcode only to printers whose agent uploads it (Prusa Link)', () => {
    const bgcode = job({ fileFormat: 'bgcode' });
    expect([octoprint(), prusa(), bambu(), silent()].map((p) => meetsRequirements(bgcode, p))).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });

  it('sends a .3mf only to Bambu printers, and G-code to every printer that takes G-code', () => {
    expect([octoprint(), prusa(), bambu()].map((p) => meetsRequirements(job({ fileFormat: '3mf' }), p))).toEqual([
      false,
      false,
      true,
    ]);
    expect([octoprint(), prusa(), bambu(), silent()].map((p) => meetsRequirements(job(), p))).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it('lets the operator override the format rule', () => {
    expect(meetsRequirements(job({ fileFormat: '3mf', anyPrinterKind: true }), octoprint())).toBe(true);
  });

  it('matches the sliced-for printer model without vendor, case or spacing; an unknown model takes any', () => {
    expect(normalizeModel('Bambu Lab X1 Carbon')).toBe('X1C');
    expect(normalizeModel('Original Prusa MK4S')).toBe(normalizeModel('mk4s'));
    expect(meetsRequirements(job({ fileFormat: '3mf', printerModel: 'Bambu Lab P1S' }), bambu())).toBe(true);
    expect(meetsRequirements(job({ fileFormat: '3mf', printerModel: 'Bambu Lab A1' }), bambu())).toBe(false);
    expect(meetsRequirements(job({ fileFormat: 'bgcode', printerModel: 'MK4S' }), prusa())).toBe(true);
    expect(meetsRequirements(job({ printerModel: 'MK4S' }), printer({ model: '' }))).toBe(true);
  });

  it('keeps jobs of different formats apart when sharing candidate lists', () => {
    const printers = [octoprint(), bambu()];
    const assignments = matchCopies([job({ fileFormat: '3mf' }), job()], printers, budget({ 'fleet-a': 10 }));
    expect(assignments.map((a) => a.printerId).sort()).toEqual(printers.map((p) => p.id).sort());
  });
});

describe('loaded spools', () => {
  const spool = (material: string, remainingGrams: number, colorHex: string | null = null) => ({
    material,
    colorHex,
    remainingGrams,
  });

  it('refuses a copy whose spool has less filament left than the file needs', () => {
    const needs40 = job({ fileMaterial: 'PLA', filamentGrams: 40 });
    expect(meetsRequirements(needs40, printer({ spools: [spool('PLA', 39.5)] }))).toBe(false);
    expect(meetsRequirements(needs40, printer({ spools: [spool('PLA', 40)] }))).toBe(true);
  });

  it('goes by the spools loaded, not the printer material field, when spools are tracked', () => {
    const petg = job({ material: 'PETG', filamentGrams: 10 });
    expect(meetsRequirements(petg, printer({ material: 'PLA', spools: [spool('petg', 500)] }))).toBe(true);
    expect(meetsRequirements(petg, printer({ material: 'PETG', spools: [spool('PLA', 500)] }))).toBe(false);
    // The file's own material is a hard rule once what is loaded is known.
    const filePla = job({ fileMaterial: 'PLA', filamentGrams: 10 });
    expect(meetsRequirements(filePla, printer({ spools: [spool('ASA', 500)] }))).toBe(false);
  });

  it('matches the colour when both the file and the spool name one', () => {
    const orange = job({ fileMaterial: 'PLA', fileColorHex: '#ff8000', filamentGrams: 5 });
    expect(meetsRequirements(orange, printer({ spools: [spool('PLA', 500, '#FFFFFF')] }))).toBe(false);
    expect(meetsRequirements(orange, printer({ spools: [spool('PLA', 500, '#FF8000')] }))).toBe(true);
    expect(meetsRequirements(orange, printer({ spools: [spool('PLA', 500, null)] }))).toBe(true);
  });

  it('uses any slot of an AMS that holds the material with enough left', () => {
    const ams = printer({ spools: [spool('PLA', 5), spool('PETG', 800), spool('PLA', 300)] });
    expect(meetsRequirements(job({ fileMaterial: 'PLA', filamentGrams: 100 }), ams)).toBe(true);
    expect(meetsRequirements(job({ fileMaterial: 'PLA', filamentGrams: 400 }), ams)).toBe(false);
  });

  it('sends the copy to the printer with enough filament, leaving the nearly empty one idle', () => {
    const empty = printer({ spools: [spool('PLA', 3)] });
    const full = printer({ spools: [spool('PLA', 900)] });
    const assignments = matchCopies(
      [job({ queued: 2, fileMaterial: 'PLA', filamentGrams: 50 })],
      [empty, full],
      budget(),
    );
    expect(assignments.map((assignment) => assignment.printerId)).toEqual([full.id]);
  });
});
