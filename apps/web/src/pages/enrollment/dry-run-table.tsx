import { useMemo } from 'react';
import { Notice } from '../../components/ui';
import { plural } from '../../lib/format';
import type { ImportDryRun } from '../../lib/api/views';
import { formatBytes } from '../../lib/upload';

/** Every row of the file, valid or not, in file order, with all of its errors. */
export function DryRunTable({
  report,
  fileName,
  fileSize,
}: {
  report: ImportDryRun;
  fileName: string;
  fileSize: number;
}) {
  const lines = useMemo(() => {
    const errorsByRow = new Map<number, ImportDryRun['errors']>();
    for (const error of report.errors) errorsByRow.set(error.row, [...(errorsByRow.get(error.row) ?? []), error]);
    const rows = new Map(report.rows.map((row) => [row.row, row]));
    const numbers = [...new Set([...rows.keys(), ...errorsByRow.keys()])].sort((a, b) => a - b);
    return numbers.map((number) => ({ number, row: rows.get(number), errors: errorsByRow.get(number) ?? [] }));
  }, [report]);
  const { summary } = report;

  return (
    <div className="dry-run">
      <p role="status" className={report.valid ? 'text-ok' : 'text-bad'}>
        Dry run of {fileName} ({formatBytes(fileSize)}): {plural(summary.rows, 'row')}, {summary.valid} valid (
        {summary.create} new, {summary.update} updates), {summary.invalid} with errors.
        {report.valid ? ' Nothing was written yet.' : ''}
      </p>
      {report.fileErrors.map((error) => (
        <Notice key={error.code} tone="error">
          {error.message}
        </Notice>
      ))}
      {report.errorsOmitted > 0 && (
        <Notice tone="warning">{plural(report.errorsOmitted, 'more error')} not listed.</Notice>
      )}
      <div className="table-wrap dry-run-table">
        <table className="table table-dense">
          <caption className="visually-hidden">Every row of the CSV with its errors</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Result</th>
              <th scope="col">Name</th>
              <th scope="col">Fleet</th>
              <th scope="col">Model</th>
              <th scope="col">Serial</th>
              <th scope="col">Nozzle</th>
              <th scope="col">Build volume</th>
              <th scope="col">Material</th>
              <th scope="col">Errors</th>
            </tr>
          </thead>
          <tbody>
            {lines.map(({ number, row, errors }) => (
              <tr key={number} className={errors.length ? 'row-invalid' : undefined}>
                <td className="numeric">{number}</td>
                <td>
                  {errors.length ? (
                    <span className="status status-bad">Error</span>
                  ) : (
                    <span className="status status-ok">{row?.action === 'update' ? 'Update' : 'New'}</span>
                  )}
                </td>
                <td>{row?.name ?? '—'}</td>
                <td>{row?.fleet ?? '—'}</td>
                <td>{row?.model ?? '—'}</td>
                <td className="mono">{row?.serial ?? '—'}</td>
                <td className="numeric">{row ? `${row.nozzleDiameterMm} mm` : '—'}</td>
                <td className="nowrap">
                  {row ? `${row.buildVolumeMm.x} × ${row.buildVolumeMm.y} × ${row.buildVolumeMm.z}` : '—'}
                </td>
                <td>{row?.material ?? '—'}</td>
                <td>
                  {errors.length ? (
                    <ul className="error-list">
                      {errors.map((error, index) => (
                        <li key={index}>
                          {error.column && <span className="mono">{error.column}: </span>}
                          {error.message}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="muted">None</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
