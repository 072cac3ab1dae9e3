"""The API's refusals in Swedish and English (merged into ``i18n.MESSAGES``).

A ``ServiceError`` made with ``told(key, ...)`` carries its key; the JSON answer is worded in
the asker's language (``i18n.answer_language``). Placeholders: ``{name}`` is the file's name as
the user uploaded it (never Tolk's scratch name or an upload id).
"""

from __future__ import annotations

API_MESSAGES: dict[str, dict[str, str]] = {
    "api_upload_too_large": {
        "sv": "{name} är {size} byte; gränsen är {limit} byte.",
        "en": "{name} is {size} bytes; the limit is {limit} bytes.",
    },
    "api_upload_over_limit": {
        "sv": "{name} är större än gränsen på {limit} byte.",
        "en": "{name} is larger than the limit of {limit} bytes.",
    },
    "api_upload_empty": {"sv": "{name} är tom.", "en": "{name} is empty."},
    "api_upload_not_media": {
        "sv": "{name} är ingen mediefil som Tolk tar emot (ljud, video eller bild).",
        "en": "{name} is not a media file Tolk accepts (audio, video or an image).",
    },
    "api_upload_damaged": {
        "sv": "{name} är ofullständig eller skadad och kan inte läsas. Avbröts uppladdningen?",
        "en": "{name} is incomplete or damaged and cannot be read. Was the upload cut off?",
    },
    "api_upload_unusable": {
        "sv": "{name} har inget ljud eller någon video som Tolk kan använda.",
        "en": "{name} has no sound or video that Tolk can use.",
    },
    "api_upload_image": {
        "sv": "{name} är en stillbild ({found}), inte en film eller en sång. Ladda upp en video- "
        "eller ljudfil.",
        "en": "{name} is a still image ({found}), not a film or a song. Upload a video or sound file.",
    },
    "api_upload_sound_as_film": {
        "sv": "{name} har bara ljud ({found}). En film behöver rörlig bild: ladda upp den som en sång.",
        "en": "{name} has sound only ({found}). A film needs a moving picture: upload it as a song.",
    },
    "api_interpreter_image": {
        "sv": "{name} är en stillbild ({found}). En tolkinspelning måste vara en video.",
        "en": "{name} is a still image ({found}). An interpreter recording must be a video.",
    },
    "api_interpreter_no_video": {
        "sv": "{name} har bara ljud ({found}). En tolkinspelning måste vara en video.",
        "en": "{name} has sound only ({found}). An interpreter recording must be a video.",
    },
    "api_upload_undecodable": {
        "sv": "Bilden i {name} går inte att avkoda.",
        "en": "The picture of {name} cannot be decoded.",
    },
    "api_disk_full": {
        "sv": "Serverns disk är full: inget av den här begäran sparades. Försök igen senare.",
        "en": "The server's disk is full: nothing of this request was kept. Try again later.",
    },
    "api_tus_disk_full": {
        "sv": "Serverns disk är full: den här delen av {name} sparades inte. Försök igen senare.",
        "en": "The server's disk is full: this part of {name} was not kept. Try again later.",
    },
    "api_file_unnamed": {"sv": "filen", "en": "the file"},
    "api_upload_stalled": {
        "sv": "Uppladdningen stannade: inget kom fram på {seconds} s. Skicka filen igen.",
        "en": "The upload stalled: nothing arrived for {seconds} s. Send the file again.",
    },
    "api_upload_disk_full": {
        "sv": "Serverns disk är full: {name} sparades inte. Försök igen senare.",
        "en": "The server's disk is full: {name} was not stored. Try again later.",
    },
    "api_uploads_per_account": {
        "sv": "Du har redan {count} uppladdningar igång, så många som ett konto får ha samtidigt. "
        "Försök igen om {seconds} s.",
        "en": "You already have {count} uploads running, as many as one account may have at once. "
        "Try again in {seconds} s.",
    },
    "api_uploads_busy": {
        "sv": "Tjänsten tar emot så många uppladdningar som den kan ({count}). Försök igen om {seconds} s.",
        "en": "The service is receiving as many uploads as it can ({count}). Try again in {seconds} s.",
    },
    "api_not_ready": {
        "sv": "Tjänsten är inte redo: {failed} svarar inte.",
        "en": "The service is not ready: {failed} does not answer.",
    },
    "api_metrics_refused": {
        "sv": "Mätvärdena visas inte för den här klienten.",
        "en": "The metrics are not shown to this client.",
    },
    "api_busy": {
        "sv": "Tjänsten är upptagen. Försök igen om några sekunder.",
        "en": "The service is busy. Try again in a few seconds.",
    },
    "api_upload_length": {
        "sv": "Skicka filens storlek i byte i Upload-Length (bara siffror), inte {value}.",
        "en": "Send the file's size in bytes in Upload-Length (digits only), not {value}.",
    },
    "api_offset_needs_film": {
        "sv": "Ladda upp filmen eller sången först: förskjutningen hittas genom att jämföra ljudet.",
        "en": "Upload the film or song first: the offset is found by comparing the sound.",
    },
    "api_offset_no_sound_film": {
        "sv": "Filmen har inget ljud att jämföra med: ställ in förskjutningen för hand.",
        "en": "The film has no sound to compare with: set the offset by hand.",
    },
    "api_offset_no_sound_recording": {
        "sv": "Tolkinspelningen har inget ljud (eller bara tystnad): ställ in förskjutningen för hand.",
        "en": "The interpreter recording has no sound (or only silence): set the offset by hand.",
    },
    "api_offset_unreadable": {
        "sv": "Ljudet kunde inte läsas: ställ in förskjutningen för hand.",
        "en": "The sound could not be read: set the offset by hand.",
    },
    # Captions from speech (services.speech): refusals when ordering, and why a job failed.
    "api_timing_not_descriptions": {
        "sv": "Spåret är av typen {kind}: tal och tider kontrolleras bara för syntolkning.",
        "en": "The track is of kind {kind}: speech and timing are checked for descriptions only.",
    },
    "api_speech_no_sound": {
        "sv": "Objekt {item} har ingen film eller sång med ljud än: ladda upp den först.",
        "en": "Item {item} has no film or song with sound yet: upload it first.",
    },
    "api_speech_text_empty": {
        "sv": "Skriv eller klistra in texten som ska tidsättas.",
        "en": "Write or paste the text to be timed.",
    },
    "api_speech_text_too_long": {
        "sv": "Texten är {length} tecken; gränsen är {limit}.",
        "en": "The text is {length} characters; the limit is {limit}.",
    },
    "api_speech_track_exists": {
        "sv": "Objektet har redan textning på {language}. Ta bort den eller rätta den i textredigeraren; "
        "ett automatiskt utkast skulle ersätta den.",
        "en": "The item already has captions in {language}. Delete them or correct them in the caption "
        "editor; an automatic draft would replace them.",
    },
    "api_speech_not_draft": {
        "sv": "Textspåret är inget utkast: det visas redan för tittarna.",
        "en": "The caption track is not a draft: viewers already see it.",
    },
    "api_speech_not_installed": {
        "sv": "Taligenkänning är inte installerad på servern (tillägget tolk[asr] saknas).",
        "en": "Speech recognition is not installed on the server (the tolk[asr] extra is missing).",
    },
    "api_speech_model_missing": {
        "sv": "Taligenkänningsmodellen {model} finns inte. Kontrollera inställningen TOLK_ASR_MODEL.",
        "en": "The speech recognition model {model} does not exist. Check the setting TOLK_ASR_MODEL.",
    },
    "api_speech_model_incomplete": {
        "sv": "Mappen {model} saknar filer som en Whisper-modell behöver. Kontrollera TOLK_ASR_MODEL.",
        "en": "The folder {model} lacks files a Whisper model needs. Check TOLK_ASR_MODEL.",
    },
    "api_speech_checksum": {
        "sv": "Taligenkänningsmodellen {model} är inte den väntade (fel kontrollsumma) och används inte.",
        "en": "The speech recognition model {model} is not the expected one (wrong checksum) "
        "and is not used.",
    },
    "api_speech_does_not_load": {
        "sv": "Taligenkänningsmodellen {model} går inte att läsa in: filerna är fel eller skadade.",
        "en": "The speech recognition model {model} cannot be loaded: its files are wrong or damaged.",
    },
    "api_speech_no_audio": {
        "sv": "Filmen eller sången har inget ljud att känna igen tal i.",
        "en": "The film or song has no sound to recognise speech in.",
    },
    "api_document_not_accepted": {
        "sv": "{name} är inget dokument som Tolk tar emot (det ser ut som {found}). Ladda upp {accepted}.",
        "en": "{name} is not a document Tolk accepts (it looks like {found}). Upload {accepted}.",
    },
    "api_document_damaged": {
        "sv": "{name} börjar som en PDF men går inte att läsa. Är filen skadad eller avbröts uppladdningen?",
        "en": "{name} starts as a PDF but cannot be read. Is the file damaged, or was the upload cut off?",
    },
    "api_document_long_title": {
        "sv": "En titel får vara högst {limit} tecken.",
        "en": "A title may be at most {limit} characters.",
    },
    "api_number_out_of_range": {
        "sv": "Ett tal i förfrågan är utanför det tillåtna intervallet.",
        "en": "A number in the request is out of range.",
    },
    "api_invalid_fields": {
        "sv": "Fälten är inte rätt ifyllda: {fields}.",
        "en": "These fields are not filled in right: {fields}.",
    },
}

# The words of every error code the service answers (the ``code`` of its error body), for an
# error that has no message of its own in the asker's language: a Swedish answer is never
# English (``ServiceError.message_in``). ``http_…`` are the answers of routing and access checks.
ERROR_CODE_MESSAGES: dict[str, dict[str, str]] = {
    "bad_request": {"sv": "Förfrågan går inte att utföra.", "en": "The request cannot be carried out."},
    "not_found": {"sv": "Det som efterfrågas finns inte.", "en": "What was asked for does not exist."},
    "invalid": {"sv": "Några uppgifter i förfrågan är inte rätt.", "en": "Some of the request is not right."},
    "unsupported_media": {
        "sv": "Filen har ett format som inte tas emot här.",
        "en": "The file is in a format not accepted here.",
    },
    "too_large": {"sv": "Förfrågan är för stor.", "en": "The request is too large."},
    "conflict": {
        "sv": "Förfrågan krockar med hur det ser ut nu. Hämta det senaste och försök igen.",
        "en": "The request conflicts with the current state. Fetch the latest and try again.",
    },
    "gone": {"sv": "Det finns inte längre.", "en": "It is no longer there."},
    "locked": {
        "sv": "Det används just nu av en annan förfrågan. Försök igen om en stund.",
        "en": "Another request is using it right now. Try again in a moment.",
    },
    "checksum_mismatch": {
        "sv": "Kontrollsumman stämmer inte med det som kom fram: inget sparades.",
        "en": "The checksum does not match what arrived: nothing was kept.",
    },
    "digest_mismatch": {
        "sv": "Filens kontrollsumma stämmer inte med innehållet: inget sparades.",
        "en": "The file's digest does not match its content: nothing was kept.",
    },
    "precondition_failed": {
        "sv": "Villkoret i förfrågan stämmer inte längre: det har ändrats sedan du hämtade det.",
        "en": "The request's precondition does not hold: it has changed since you fetched it.",
    },
    "range_not_satisfiable": {
        "sv": "Den begärda delen av filen finns inte.",
        "en": "The requested range of the file does not exist.",
    },
    "insufficient_storage": {
        "sv": "Serverns disk är full: inget sparades. Försök igen senare.",
        "en": "The server's disk is full: nothing was kept. Try again later.",
    },
    "timeout": {
        "sv": "Förfrågan tog för lång tid: inget kom fram. Skicka den igen.",
        "en": "The request took too long: nothing arrived. Send it again.",
    },
    "cut_off": {
        "sv": "Uppladdningen avbröts: skicka resten från där den slutade.",
        "en": "The upload was cut off: send the rest from where it ended.",
    },
    "too_many_requests": {
        "sv": "För många förfrågningar just nu. Försök igen om en stund.",
        "en": "Too many requests right now. Try again in a moment.",
    },
    "too_many_attempts": {
        "sv": "För många misslyckade inloggningar. Försök igen om en stund.",
        "en": "Too many failed logins. Try again in a moment.",
    },
    "busy": {
        "sv": "Tjänsten är upptagen. Försök igen om några sekunder.",
        "en": "The service is busy. Try again in a few seconds.",
    },
    "login_failed": {"sv": "Fel användarnamn eller lösenord.", "en": "Wrong username or password."},
    "tus_version": {
        "sv": "Klienten talar en annan version av tus-protokollet än 1.0.0.",
        "en": "The client speaks another version of the tus protocol than 1.0.0.",
    },
    "not_implemented": {"sv": "Det formatet finns inte här.", "en": "That format is not offered here."},
    "http_400": {"sv": "Förfrågan går inte att läsa.", "en": "The request cannot be read."},
    "http_401": {"sv": "Logga in först.", "en": "Log in first."},
    "http_403": {"sv": "Det får du inte göra.", "en": "You may not do this."},
    "http_404": {"sv": "Sidan finns inte.", "en": "The page does not exist."},
    "http_405": {
        "sv": "Den här adressen tar inte emot den sortens förfrågan.",
        "en": "This address does not take that kind of request.",
    },
    "http_406": {"sv": "Inget svar i det formatet finns.", "en": "There is no answer in that format."},
    "http_413": {"sv": "Förfrågan är för stor.", "en": "The request is too large."},
    "http_415": {
        "sv": "Förfrågans format tas inte emot här.",
        "en": "The request's format is not accepted here.",
    },
    "http_429": {
        "sv": "För många förfrågningar. Försök igen om en stund.",
        "en": "Too many requests. Try again later.",
    },
}

API_MESSAGES.update({f"api_code_{code}": texts for code, texts in ERROR_CODE_MESSAGES.items()})
