import { describeMatrix } from './matrix/matrix-run';

// Every route of this group, as every kind of caller, with its object in every place (test/security/matrix/).
describeMatrix('queue');
