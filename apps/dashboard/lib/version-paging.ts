import { DEFAULT_PAGE_LIMIT } from '@palisade/schema';
import type { PagedList } from './queue-paging';

/** A tool's definition history, newest first: the detector's default page, which the tool's detail holds first. */
export const TOOL_VERSIONS: PagedList = { pageSize: DEFAULT_PAGE_LIMIT, noun: 'versions' };
