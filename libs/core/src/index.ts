export { CoreThing } from './core-thing';
