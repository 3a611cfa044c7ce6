import 'reflect-metadata';
import { Module, Controller, Get } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreThing } from '@farmhand/core';
@Controller() class C { constructor(private readonly t: CoreThing) {} @Get('x') x() { return { v: this.t.hello() }; } }
@Module({ controllers: [C], providers: [CoreThing] }) class M {}
async function main() { const app = await NestFactory.create(M, { logger: false }); await app.listen(3999); const r = await fetch('http://127.0.0.1:3999/x'); console.log(await r.text()); await app.close(); }
void main();
