import { generate } from 'selfsigned';

export interface PrinterCertificate {
  cert: string;
  key: string;
}

/** A self-signed certificate whose subject CN is the serial, as a Bambu printer presents (issued by Bambu's CA). */
export async function printerCertificate(commonName: string): Promise<PrinterCertificate> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  return { cert: pems.cert, key: pems.private };
}
