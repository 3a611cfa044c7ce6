export * from './printers.module';
export * from './printers.events';
export * from './printers.service';
export * from './printer-directory';
export * from './printer-state.repository';
export * from './enrolled-printers.repository';
export * from './entities/printer.entity';
export * from './entities/printer-defaults.entity';
export { PRINTER_CONDITION_COLUMNS } from './printers.repository';
