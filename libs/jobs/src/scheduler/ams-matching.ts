/**
 * AMS/MMU matching: which of a printer's filament slots each filament of a multi-material plate prints from.
 *
 * Bambu's `print.project_file` takes `ams_mapping`, an array indexed by the slicer's filament id - 1 whose values
 * are global tray indexes (AMS unit * 4 + tray, 0–15; -1: filament unused on the plate). Farmhand numbers a
 * printer's slots the same way (libs/spools `slot`, and the slots a Bambu agent reports), so a slot is a tray index.
 * Kept apart from the rest of the matching rules: one pure function, used by the scheduler to decide whether a
 * printer can print a plate at all and by the dispatch to build the mapping it sends.
 */

/** A filament a plate uses, as the 3MF's plate metadata says (1-based id, type, colour, grams). */
export interface PlateFilamentNeed {
  id: number;
  type: string | null;
  color: string | null;
  usedGrams?: number | null;
}

/** One loaded slot of a printer: what is in it and, when tracked, how much is left. */
export interface FilamentSlot {
  slot: number;
  material: string | null;
  colorHex: string | null;
  /** Null: not tracked (an agent-reported tray), taken as enough. */
  remainingGrams: number | null;
}

/** The largest filament id a mapping is built for (Bambu Studio allows 32 filaments per project). */
const MAX_FILAMENT_ID = 32;

function normalizeColor(color: string | null | undefined): string | null {
  if (!color) return null;
  const hex = color.trim().replace(/^#/, '').toUpperCase();
  // #RRGGBBAA from a tray or a 3MF: the alpha does not make another colour.
  return /^[0-9A-F]{6}([0-9A-F]{2})?$/.test(hex) ? `#${hex.slice(0, 6)}` : null;
}

function normalizeMaterial(material: string | null | undefined): string | null {
  const trimmed = material?.trim().toUpperCase();
  return trimmed ? trimmed : null;
}

/** A slot fits a filament when the materials are the same and the colours too (where both are known). */
function fits(filament: PlateFilamentNeed, slot: FilamentSlot): boolean {
  const wantedMaterial = normalizeMaterial(filament.type);
  const loadedMaterial = normalizeMaterial(slot.material);
  if (loadedMaterial === null) return false;
  if (wantedMaterial !== null && wantedMaterial !== loadedMaterial) return false;
  const wantedColor = normalizeColor(filament.color);
  const loadedColor = normalizeColor(slot.colorHex);
  return wantedColor === null || loadedColor === null || wantedColor === loadedColor;
}

/**
 * The AMS mapping for `filaments` on a printer with `slots`, or null when some filament has no slot of its material
 * and colour (with its grams left, where the slot's spool is tracked). Each filament takes a slot no other filament
 * of the plate took when one fits, else shares one that fits with the grams of both left (two filaments of one
 * colour print from one spool). Filament ids the plate does not use are -1. An empty plate gives `[]`.
 */
export function amsMappingFor(
  filaments: readonly PlateFilamentNeed[],
  slots: readonly FilamentSlot[],
): number[] | null {
  const used = filaments.filter((filament) => Number.isInteger(filament.id) && filament.id >= 1);
  if (!used.length) return [];
  const highest = Math.max(...used.map((filament) => filament.id));
  if (highest > MAX_FILAMENT_ID) return null;
  const mapping: number[] = Array.from({ length: highest }, () => -1);
  const drawn = new Map<number, number>();
  const ordered = [...slots].sort((a, b) => a.slot - b.slot);
  const left = (slot: FilamentSlot) =>
    slot.remainingGrams === null ? Infinity : slot.remainingGrams - (drawn.get(slot.slot) ?? 0);
  // Most constrained first (a named colour before an open one), so an open filament does not take a needed slot.
  const byConstraint = [...used].sort(
    (a, b) => Number(normalizeColor(b.color) !== null) - Number(normalizeColor(a.color) !== null) || a.id - b.id,
  );
  for (const filament of byConstraint) {
    const grams = filament.usedGrams ?? 0;
    const candidates = ordered.filter((slot) => fits(filament, slot) && left(slot) >= grams);
    const chosen = candidates.find((slot) => !drawn.has(slot.slot)) ?? candidates[0];
    if (!chosen) return null;
    mapping[filament.id - 1] = chosen.slot;
    drawn.set(chosen.slot, (drawn.get(chosen.slot) ?? 0) + grams);
  }
  return mapping;
}

/** The filaments of the plate a job prints: its chosen plate, else the first sliced one, else the first. */
export function plateFilaments(
  plates: readonly { index: number; sliced?: boolean; filaments?: readonly PlateFilamentNeed[] }[] | null | undefined,
  plate: number | null,
): PlateFilamentNeed[] {
  if (!plates?.length) return [];
  const chosen =
    (plate !== null ? plates.find((entry) => entry.index === plate) : undefined) ??
    plates.find((entry) => entry.sliced) ??
    plates[0];
  return [...(chosen?.filaments ?? [])];
}
