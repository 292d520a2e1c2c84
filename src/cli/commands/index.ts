// Every command group of the CLI. Add a group by appending its register function here.
import type { RegisterCommands } from '../command-context.ts';
import { register as registerModels } from './models.ts';
import { register as registerEmbed } from './embed.ts';
import { register as registerNli } from './nli.ts';
import { register as registerProfile } from './profile.ts';
import { register as registerVerify } from './verify.ts';
import { register as registerDemo } from './demo.ts';
import { register as registerDb } from './db.ts';
import { register as registerIngest } from './ingest.ts';
import { register as registerSearch } from './search.ts';
import { register as registerPerf } from './perf.ts';
import { register as registerPerfCi } from './perf-ci.ts';
import { register as registerPerfRefresh } from './perf-refresh.ts';
import { register as registerPerfHistory } from './perf-history.ts';
import { register as registerPerfProfile } from './perf-profile.ts';


export const commandGroups: RegisterCommands[] = [
  registerModels, registerEmbed, registerNli, registerProfile, registerDb,
  registerIngest, registerSearch, registerVerify, registerDemo, registerPerf, registerPerfCi, registerPerfRefresh, registerPerfHistory,
  registerPerfProfile,
];
