import { run } from '../run.ts';
import { main, post } from './main.ts';

void run(main, post);
