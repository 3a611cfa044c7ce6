import { Section } from '../../components/ui';
import type { Report } from './reports.queries';

type Figures = Report['totals'];

function FigureCells({ row, currency }: { row: Figures; currency: string }) {
  return (
    <>
      <td>{row.prints}</td>
      <td>{Math.round(row.successRate * 1000) / 10} %</td>
      <td>{row.printHours}</td>
      <td>{row.filamentGrams}</td>
      <td>
        {(row.cost.totalCents / 100).toFixed(2)} {currency}
      </td>
    </>
  );
}

function FigureTable({
  title,
  label,
  rows,
  currency,
}: {
  title: string;
  label: string;
  rows: { key: string; name: string; figures: Figures }[];
  currency: string;
}) {
  return (
    <Section title={title}>
      <div className="table-wrap">
        <table className="table table-dense" aria-label={title}>
          <thead>
            <tr>
              <th scope="col">{label}</th>
              <th scope="col">Prints</th>
              <th scope="col">Success</th>
              <th scope="col">Hours</th>
              <th scope="col">Grams</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td className="strong">{row.name}</td>
                <FigureCells row={row.figures} currency={currency} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

/** The report's tables: printers (with utilisation), members, tags, materials and failure reasons. */
export function ReportTables({ report, nameOf }: { report: Report; nameOf: (userId: string) => string }) {
  const currency = report.currency;
  return (
    <>
      <Section title="Utilisation">
        <div className="table-wrap">
          <table className="table table-dense" aria-label="Utilisation">
            <thead>
              <tr>
                <th scope="col">Printer</th>
                <th scope="col">Printing h</th>
                <th scope="col">Paused h</th>
                <th scope="col">Bed clear h</th>
                <th scope="col">Offline h</th>
                <th scope="col">Idle h</th>
                <th scope="col">Utilisation</th>
              </tr>
            </thead>
            <tbody>
              {report.printers.map((row) => (
                <tr key={row.printerId}>
                  <td className="strong">{row.name}</td>
                  <td>{row.utilisation.printingHours}</td>
                  <td>{row.utilisation.pausedHours}</td>
                  <td>{row.utilisation.bedClearHours}</td>
                  <td>{row.utilisation.offlineHours}</td>
                  <td>{row.utilisation.idleHours}</td>
                  <td>{Math.round(row.utilisation.utilisation * 1000) / 10} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <FigureTable
        title="Per printer"
        label="Printer"
        currency={currency}
        rows={report.printers.map((row) => ({ key: row.printerId, name: row.name, figures: row }))}
      />
      <FigureTable
        title="Per member"
        label="Member"
        currency={currency}
        rows={report.members.map((row) => ({ key: row.memberId, name: nameOf(row.memberId), figures: row }))}
      />
      <FigureTable
        title="Per tag"
        label="Tag"
        currency={currency}
        rows={report.tags.map((row) => ({ key: row.tag, name: row.tag, figures: row }))}
      />
      <FigureTable
        title="Per material"
        label="Material"
        currency={currency}
        rows={report.materials.map((row) => ({
          key: `${row.material}/${row.color}`,
          name: [row.material || 'unknown', row.color].filter(Boolean).join(' '),
          figures: row,
        }))}
      />
      <Section title="Failure reasons">
        <ul aria-label="Failure reasons">
          {report.failureReasons.map((row) => (
            <li key={row.reason}>
              {row.reason}: {row.prints}
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
