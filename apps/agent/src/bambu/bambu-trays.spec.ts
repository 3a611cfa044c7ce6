import { mergeReport, observeTrays } from './bambu-report';

describe('Bambu AMS trays in the report', () => {
  const report = {
    ams: {
      ams: [
        {
          id: '0',
          tray: [
            { id: '0', tray_type: 'PLA', tray_color: 'FF0000FF' },
            { id: '1', tray_type: '', tray_color: '00000000' },
            { id: '2', tray_type: 'PETG', tray_color: '00ff00ff' },
          ],
        },
        { id: '1', tray: [{ id: '3', tray_type: 'PLA-CF', tray_color: 'nonsense' }] },
      ],
    },
  };

  it('reads loaded trays as slot = unit * 4 + tray, colour #RRGGBB, and leaves empty trays out', () => {
    expect(observeTrays(report)).toEqual([
      { slot: 0, material: 'PLA', colorHex: '#FF0000' },
      { slot: 2, material: 'PETG', colorHex: '#00FF00' },
      { slot: 7, material: 'PLA-CF', colorHex: null },
    ]);
  });

  it('keeps the trays of the last full AMS object a P1 sends when the AMS changes', () => {
    const merged = mergeReport(report, {
      ams: { ams: [{ id: '0', tray: [{ id: '1', tray_type: 'ABS', tray_color: '000000FF' }] }] },
    });
    expect(observeTrays(merged)).toEqual([{ slot: 1, material: 'ABS', colorHex: '#000000' }]);
  });

  it('skips hostile trays: NUL in the material, ids out of range, no AMS at all', () => {
    const hostile = {
      ams: {
        ams: [
          {
            id: '0',
            tray: [
              { id: '0', tray_type: 'PLA\u0000', tray_color: 'FF0000FF' },
              { id: '9', tray_type: 'PLA' },
            ],
          },
          { id: '-1', tray: [{ id: '0', tray_type: 'PLA' }] },
          { id: '0', tray: [{ id: '1', tray_type: '\ud800', tray_color: 'FF0000FF' }] },
        ],
      },
    };
    expect(observeTrays(hostile)).toEqual([]);
    expect(observeTrays({})).toEqual([]);
    expect(observeTrays({ ams: 'x' })).toEqual([]);
  });
});
