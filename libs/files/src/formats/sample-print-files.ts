import { writeBgcode } from './bgcode';
import { writeZip } from './three-mf';

/**
 * Print files built the way the slicers write them, for tests and the demo: a PrusaSlicer `.bgcode` (libbgcode
 * layout, CRC32, deflated INI metadata, a thumbnail) and a Bambu Studio project 3MF (slice_info.config,
 * plate_<n>.json, plate G-code, project_settings.config).
 */
export function sampleBgcode(options: { printerModel?: string; material?: string; time?: string } = {}): Buffer {
  return writeBgcode({
    file: { Producer: 'PrusaSlicer 2.8.1' },
    printer: {
      printer_model: options.printerModel ?? 'MK4S',
      filament_type: options.material ?? 'PETG',
      nozzle_diameter: '0.4',
      layer_height: '0.2',
      extruder_colour: '""',
    },
    print: {
      'filament used [mm]': '1234.56',
      'filament used [g]': '3.70',
      'estimated printing time (normal mode)': options.time ?? '1h 2m 3s',
    },
    slicer: { layer_height: '0.2', nozzle_diameter: '0.4', printer_model: options.printerModel ?? 'MK4S' },
    thumbnail: Buffer.alloc(300, 7),
    gcode: ';TIME:3723\n;LAYER_COUNT:40\nM140 S80\nM104 S240\nG28\nG1 X10 Y10 Z0.2 E1\n',
  });
}

export function sampleThreeMf(
  options: {
    modelId?: string;
    printerModel?: string | null;
    plates?: number;
    sliced?: number[];
    /** Each plate's filaments (1-based id, type, `#RRGGBB`); default: PLA red as 1 and PETG green as 3. */
    filaments?: Array<{ id: number; type: string; color: string; grams?: number }>;
  } = {},
): Buffer {
  const filaments = options.filaments ?? [
    { id: 1, type: 'PLA', color: '#FF0000FF', grams: 4.5 },
    { id: 3, type: 'PETG', color: '#00ff00', grams: 6 },
  ];
  const plates = options.plates ?? 2;
  const sliced = options.sliced ?? [1];
  const modelId = options.modelId ?? 'C12';
  const plateXml = (index: number) => `  <plate>
    <metadata key="index" value="${index}"/>
    <metadata key="printer_model_id" value="${modelId}"/>
    <metadata key="nozzle_diameters" value="0.4"/>
    <metadata key="prediction" value="${1800 * index}"/>
    <metadata key="weight" value="${(12.5 * index).toFixed(2)}"/>
${filaments
  .map(
    (filament) =>
      `    <filament id="${filament.id}" tray_info_idx="GF${filament.id}" type="${filament.type}" color="${filament.color}" used_m="${((filament.grams ?? 3) / 3).toFixed(2)}" used_g="${(filament.grams ?? 3).toFixed(2)}"/>`,
  )
  .join('\n')}
  </plate>`;
  const files: Record<string, string> = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types/>',
    '3D/3dmodel.model': '<?xml version="1.0" encoding="UTF-8"?><model unit="millimeter"/>',
    'Metadata/slice_info.config': `<?xml version="1.0" encoding="UTF-8"?>
<config>
  <header>
    <header_item key="X-BBL-Client-Type" value="slicer"/>
    <header_item key="X-BBL-Client-Version" value="01.09.07.52"/>
  </header>
${Array.from({ length: plates }, (_, i) => plateXml(i + 1)).join('\n')}
</config>
`,
  };
  for (let index = 1; index <= plates; index++) {
    files[`Metadata/plate_${index}.json`] = JSON.stringify({
      filament_colors: filaments.map((filament) => filament.color.slice(0, 7).toUpperCase()),
      filament_ids: filaments.map((filament) => filament.id - 1),
      is_seq_print: false,
      nozzle_diameter: 0.4,
      version: 2,
    });
    if (sliced.includes(index)) files[`Metadata/plate_${index}.gcode`] = `; HEADER_BLOCK_START\nG28\nG1 X1 Y1 E1\n`;
  }
  if (options.printerModel !== null) {
    files['Metadata/project_settings.config'] = JSON.stringify({
      printer_model: options.printerModel ?? 'Bambu Lab P1S',
      filament_type: ['PLA', 'PLA', 'PETG'],
    });
  }
  return writeZip(files);
}
