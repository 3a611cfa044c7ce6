export * from './printers.module';
export * from './printers.service';
export * from './printers.repository';
export * from './entities/printer.entity';
