import { amsMappingFor, plateFilaments, type FilamentSlot } from './ams-matching';
import { matchCopies, meetsRequirements, type QueuedJob, type ReadyPrinter } from './matching';

const slot = (index: number, material: string, colorHex: string | null, remainingGrams: number | null = null) =>
  ({ slot: index, material, colorHex, remainingGrams }) satisfies FilamentSlot;

describe('amsMappingFor', () => {
  it('maps each filament id - 1 to the tray of its material and colour, -1 for ids the plate does not use', () => {
    const mapping = amsMappingFor(
      [
        { id: 1, type: 'PLA', color: '#FF0000' },
        { id: 3, type: 'PETG', color: '#00ff00' },
      ],
      [slot(0, 'PETG', '#00FF00'), slot(1, 'PLA', '#0000FF'), slot(2, 'PLA', '#FF0000FF')],
    );
    expect(mapping).toEqual([2, -1, 0]);
  });

  it('answers null when a colour is missing: a 4-colour plate on a 2-colour AMS', () => {
    const plate = ['#FF0000', '#00FF00', '#0000FF', '#FFFFFF'].map((color, index) => ({
      id: index + 1,
      type: 'PLA',
      color,
    }));
    expect(amsMappingFor(plate, [slot(0, 'PLA', '#FF0000'), slot(1, 'PLA', '#00FF00')])).toBeNull();
    const full = [
      slot(0, 'PLA', '#FF0000'),
      slot(1, 'PLA', '#00FF00'),
      slot(4, 'PLA', '#0000FF'),
      slot(7, 'PLA', '#FFFFF0'),
    ];
    // Ivory is not white: white is still missing.
    expect(amsMappingFor(plate, full)).toBeNull();
    full[3] = slot(7, 'PLA', '#ffffff');
    expect(amsMappingFor(plate, full)).toEqual([0, 1, 4, 7]);
  });

  it('never maps a filament to a tray of another material, whatever its colour', () => {
    expect(amsMappingFor([{ id: 1, type: 'PETG', color: '#FF0000' }], [slot(0, 'PLA', '#FF0000')])).toBeNull();
    expect(amsMappingFor([{ id: 1, type: 'petg ', color: null }], [slot(3, 'PETG', '#123456')])).toEqual([3]);
  });

  it('takes distinct trays first, shares one only when the grams of both are left', () => {
    const twoReds = [
      { id: 1, type: 'PLA', color: '#FF0000', usedGrams: 40 },
      { id: 2, type: 'PLA', color: '#FF0000', usedGrams: 40 },
    ];
    expect(amsMappingFor(twoReds, [slot(0, 'PLA', '#FF0000', 500), slot(1, 'PLA', '#FF0000', 500)])).toEqual([0, 1]);
    expect(amsMappingFor(twoReds, [slot(0, 'PLA', '#FF0000', 500)])).toEqual([0, 0]);
    expect(amsMappingFor(twoReds, [slot(0, 'PLA', '#FF0000', 60)])).toBeNull();
  });

  it('gives a named colour its tray before an open filament can take it', () => {
    const plate = [
      { id: 1, type: 'PLA', color: null },
      { id: 2, type: 'PLA', color: '#000000', usedGrams: 10 },
    ];
    const slots = [slot(0, 'PLA', '#000000', 12), slot(1, 'PLA', '#FFFFFF', 500)];
    expect(amsMappingFor(plate, slots)).toEqual([1, 0]);
  });

  it('ignores hostile ids and refuses more filaments than a project can hold', () => {
    expect(amsMappingFor([], [slot(0, 'PLA', null)])).toEqual([]);
    expect(amsMappingFor([{ id: 0, type: 'PLA', color: null }], [slot(0, 'PLA', null)])).toEqual([]);
    expect(amsMappingFor([{ id: 1e9, type: 'PLA', color: null }], [slot(0, 'PLA', null)])).toBeNull();
  });

  it('reads the filaments of the chosen plate, else the first sliced one', () => {
    const plates = [
      { index: 1, sliced: false, filaments: [{ id: 1, type: 'PLA', color: '#FF0000' }] },
      { index: 2, sliced: true, filaments: [{ id: 2, type: 'PETG', color: null }] },
    ];
    expect(plateFilaments(plates, null)).toEqual([{ id: 2, type: 'PETG', color: null }]);
    expect(plateFilaments(plates, 1)).toEqual([{ id: 1, type: 'PLA', color: '#FF0000' }]);
    expect(plateFilaments(null, 1)).toEqual([]);
  });
});

describe('AMS slots in the scheduler matching', () => {
  const printer = (id: string, overrides: Partial<ReadyPrinter>): ReadyPrinter => ({
    id,
    orgId: 'org',
    fleetId: 'fleet',
    material: null,
    nozzleDiameter: 0.4,
    buildX: 256,
    buildY: 256,
    buildZ: 256,
    tags: [],
    uploadFormats: ['3mf'],
    spools: [],
    ...overrides,
  });
  const fourColours: QueuedJob = {
    id: 'job',
    queued: 1,
    material: null,
    fileMaterial: 'PLA',
    nozzleDiameter: null,
    minBuildX: null,
    minBuildY: null,
    minBuildZ: null,
    fleetIds: [],
    requiredTags: [],
    fileFormat: '3mf',
    filamentGrams: 40,
    fileColorHex: '#FF0000',
    filaments: ['#FF0000', '#00FF00', '#0000FF', '#FFFFFF'].map((color, index) => ({
      id: index + 1,
      type: 'PLA',
      color,
      usedGrams: 10,
    })),
  };
  const spool = (slotIndex: number, colorHex: string) => ({
    slot: slotIndex,
    material: 'PLA',
    colorHex,
    remainingGrams: 800,
  });

  it('a 4-colour job skips the printer whose AMS holds 2 of them and takes the one holding all 4', () => {
    const twoColours = printer('a-two', { spools: [spool(0, '#FF0000'), spool(1, '#00FF00')] });
    const allFour = printer('b-four', {
      spools: [spool(0, '#FFFFFF'), spool(1, '#0000FF'), spool(2, '#00FF00'), spool(3, '#FF0000')],
    });
    expect(meetsRequirements(fourColours, twoColours)).toBe(false);
    expect(meetsRequirements(fourColours, allFour)).toBe(true);
    expect(matchCopies([fourColours], [twoColours, allFour], new Map([['fleet', 10]]))).toEqual([
      { jobId: 'job', printerId: 'b-four', fleetId: 'fleet' },
    ]);
  });

  it("uses the agent's reported trays when no spool is tracked, and tracked spools over them", () => {
    const reported = [
      { slot: 0, material: 'PLA', colorHex: '#FF0000FF', remainingGrams: null },
      { slot: 1, material: 'PLA', colorHex: '#00FF00FF', remainingGrams: null },
      { slot: 2, material: 'PLA', colorHex: '#0000FFFF', remainingGrams: null },
      { slot: 3, material: 'PLA', colorHex: '#FFFFFFFF', remainingGrams: null },
    ];
    expect(meetsRequirements(fourColours, printer('p', { reportedSlots: reported }))).toBe(true);
    const tracked = printer('q', { reportedSlots: reported, spools: [spool(0, '#FF0000')] });
    expect(meetsRequirements(fourColours, tracked)).toBe(false);
  });

  it("leaves the slots to the operator's own mapping, and a printer of unknown slots to its material", () => {
    const twoColours = printer('a', { spools: [spool(0, '#FF0000'), spool(1, '#00FF00')] });
    expect(meetsRequirements({ ...fourColours, amsMapping: [0, 1, 1, 0] }, twoColours)).toBe(true);
    expect(meetsRequirements(fourColours, printer('u', {}))).toBe(true);
  });
});
