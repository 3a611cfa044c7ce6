// Parse + validate a generated 10,000-row enrollment CSV (the upload limit) and print rows/s; also times the
// credentials CSV and the QR sheet that a commit answers. Run: npx tsx bench/enrollment-csv.ts [rows] [runs]
import {
  ENROLLMENT_CSV_LIMITS,
  buildCredentialsCsv,
  generateSampleEnrollmentCsv,
  issueEnrollmentToken,
  parseEnrollmentCsv,
  renderEnrollmentQrSheet,
} from '@farmhand/enrollment';
import type { PrinterCredentialExport } from '@farmhand/enrollment';

const rows = Number(process.argv[2] ?? ENROLLMENT_CSV_LIMITS.maxDataRows);
const runs = Number(process.argv[3] ?? 7);
const QR_SHEET_PRINTERS = 500;

// Wall time, and CPU time of the whole process (less disturbed when the machine is shared).
async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1e3, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  for (const delimiter of [',', ';'] as const) {
    const csv = Buffer.from(generateSampleEnrollmentCsv(rows, { delimiter }));
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let run = 0; run < runs + 1; run++) {
      const { ms, cpuMs, value } = await timed(() => parseEnrollmentCsv(csv));
      if (value.fileErrors.length > 0 || value.errors.length > 0 || value.rows.length !== rows) {
        throw new Error(
          `unexpected result: ${JSON.stringify(value.fileErrors.concat(value.errors as never[]).slice(0, 3))}`,
        );
      }
      if (run > 0) {
        // The first run warms up the JIT.
        times.push(ms);
        cpuTimes.push(cpuMs);
      }
    }
    const ms = median(times);
    console.log(
      `parse+validate '${delimiter}' ${rows} rows, ${(csv.length / 1024).toFixed(0)} KB: median ${ms.toFixed(1)} ms ` +
        `(min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}; cpu ${median(cpuTimes).toFixed(1)} ms) ` +
        `over ${runs} runs, ` +
        `${Math.round((rows / ms) * 1000)} rows/s`,
    );
  }

  const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  const credentials: PrinterCredentialExport[] = Array.from({ length: rows }, (_, index) => ({
    name: `P-${index}`,
    serial: `SN-${index}`,
    fleet: 'Fleet A',
    token: issueEnrollmentToken().token,
    expiresAt,
  }));
  const options = { serverUrl: 'https://farm.example.com' };
  const csvExport = await timed(() => buildCredentialsCsv(credentials, options));
  console.log(
    `credentials csv ${rows} printers: ${csvExport.ms.toFixed(1)} ms, ${(csvExport.value.length / 1024).toFixed(0)} KB`,
  );
  const sheet = await timed(() => renderEnrollmentQrSheet(credentials.slice(0, QR_SHEET_PRINTERS), options));
  console.log(
    `qr sheet ${QR_SHEET_PRINTERS} printers: ${sheet.ms.toFixed(0)} ms (${(sheet.ms / QR_SHEET_PRINTERS).toFixed(2)} ms/card), ` +
      `${(sheet.value.length / 1024).toFixed(0)} KB`,
  );

  const csv = Buffer.from(generateSampleEnrollmentCsv(rows));
  const finalRuns: { ms: number; cpuMs: number }[] = [];
  for (let run = 0; run < 3; run++) finalRuns.push(await timed(() => parseEnrollmentCsv(csv)));
  const final = median(finalRuns.map((run) => run.ms));
  const finalCpu = median(finalRuns.map((run) => run.cpuMs));
  console.log(
    `enrollment-csv ${rows} rows: parse+validate ${final.toFixed(1)} ms (cpu ${finalCpu.toFixed(1)} ms), ` +
      `${Math.round((rows / final) * 1000)} rows/s`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
