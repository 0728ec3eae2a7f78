import { run } from '../run.ts';
import { main } from './main.ts';

void run(main);
