import { Injectable } from '@nestjs/common';
@Injectable()
export class CoreThing { hello(): string { return 'hi'; } }
