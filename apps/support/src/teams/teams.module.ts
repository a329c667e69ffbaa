import { Module } from '@nestjs/common';
import { CalendarsController } from '../calendars/calendars.controller';
import { TeamsController } from './teams.controller';

@Module({ controllers: [TeamsController, CalendarsController] })
export class TeamsModule {}
