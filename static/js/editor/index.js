// Starts the editor pages' scripts on whatever the page has.

import "./focus.js";
import { setUpCaptionEditor } from "./caption-editor.js";
import { setUpLayoutEditors } from "./layout.js";
import { setUpUploads } from "./upload.js";
import { setUpVariants } from "./variants.js";

setUpUploads();
setUpLayoutEditors();
setUpVariants();
setUpCaptionEditor();
